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

    public string Transitions(string key) => $"{IssueByKey(key)}/transitions";

    public string Comments(string key) => $"{IssueByKey(key)}/comment";

    /// <summary>Cloud answers 410 Gone to the old <c>/search</c>; Data Center has only that one (PROTOCOLS.md, Jira).</summary>
    public string Search => apiVersion == 3 ? $"{_api}/search/jql" : $"{_api}/search";

    public string UserSearch(string email) =>
        apiVersion == 3
            ? $"{_api}/user/search?query={Uri.EscapeDataString(email)}"
            : $"{_api}/user/search?username={Uri.EscapeDataString(email)}";
}
