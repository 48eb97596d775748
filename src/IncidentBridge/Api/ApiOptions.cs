namespace IncidentBridge.Api;

internal sealed class ApiOptions
{
    public const string Section = "IncidentBridge:Api";

    /// <summary>Bearer tokens for <c>/api/*</c>. Empty: the API refuses every call (401).</summary>
    public List<string> Tokens { get; set; } = [];
}
