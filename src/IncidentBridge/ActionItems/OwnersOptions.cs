namespace IncidentBridge.ActionItems;

/// <summary><c>IncidentBridge:Owners</c>: owner name as written in postmortems → how to reach them in each tool.</summary>
internal sealed class OwnersOptions() : Dictionary<string, OwnerContact>(StringComparer.OrdinalIgnoreCase)
{
    public const string Section = "IncidentBridge:Owners";
}

internal sealed class OwnerContact
{
    public string? Email { get; set; }

    public string? JiraAccountId { get; set; }

    public string? GitHubLogin { get; set; }
}
