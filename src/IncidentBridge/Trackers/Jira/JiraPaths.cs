namespace IncidentBridge.Trackers.Jira;

/// <summary>
/// Request paths, relative to the base URL (which always ends in '/', so a Data Center context path such as
/// <c>https://host/jira/</c> is kept).
/// </summary>
internal sealed class JiraPaths(int apiVersion)
{
    private readonly string _api = $"rest/api/{apiVersion}";

    public string Issue => $"{_api}/issue";

    public string IssueByKey(string key) => $"{_api}/issue/{Uri.EscapeDataString(key)}";

    /// <summary>One issue with only the named fields; <paramref name="expand"/> adds e.g. the transitions it offers.</summary>
    public string IssueByKey(string key, IEnumerable<string> fields, string? expand = null) =>
        $"{IssueByKey(key)}?fields={string.Join(',', fields)}" + (expand is null ? "" : $"&expand={expand}");

    public string Transitions(string key) => $"{IssueByKey(key)}/transitions";

    public string Comments(string key) => $"{IssueByKey(key)}/comment";

    /// <summary>
    /// A page of comments, oldest first, with their entity properties: <c>properties</c> is not among the expansions
    /// the v3 document lists for this call, but Jira honours it (Jira Service Management's internal flag is read so)
    /// and ignores expansions it does not know, so the worst case is a page without them.
    /// </summary>
    public string Comments(string key, long startAt, int maxResults) =>
        $"{Comments(key)}?startAt={startAt}&maxResults={maxResults}&expand=properties";

    /// <summary>Cloud answers 410 Gone to the old <c>/search</c>; Data Center has only that one (PROTOCOLS.md, Jira).</summary>
    public string Search => apiVersion == 3 ? $"{_api}/search/jql" : $"{_api}/search";

    public string UserSearch(string email) =>
        apiVersion == 3
            ? $"{_api}/user/search?query={Uri.EscapeDataString(email)}"
            : $"{_api}/user/search?username={Uri.EscapeDataString(email)}";
}
