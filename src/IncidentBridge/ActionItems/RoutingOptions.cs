namespace IncidentBridge.ActionItems;

/// <summary><c>IncidentBridge:Routing</c>: the first rule whose <c>Match</c> fits the incident's labels wins, else <c>Default</c>.</summary>
internal sealed class RoutingOptions
{
    public const string Section = "IncidentBridge:Routing";

    public List<RouteRule> Rules { get; set; } = [];

    public RouteRule? Default { get; set; }
}
