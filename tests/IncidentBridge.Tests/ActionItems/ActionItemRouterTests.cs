namespace IncidentBridge.Tests.ActionItems;

public sealed class ActionItemRouterTests
{
    private static readonly ActionItemRouter Router = new(Options.Create(new RoutingOptions
    {
        Rules =
        [
            new RouteRule { Match = new(StringComparer.OrdinalIgnoreCase) { ["service"] = "payments" }, Tracker = "Jira", Project = "PAY" },
            new RouteRule { Match = new(StringComparer.OrdinalIgnoreCase) { ["owner"] = "DBA Team" }, Tracker = "Jira", Project = "DBA" },
            new RouteRule { Match = new(StringComparer.OrdinalIgnoreCase) { ["owner"] = "@web" }, Tracker = "GitHub", Repository = "acme/web" },
            new RouteRule { Match = new(StringComparer.OrdinalIgnoreCase) { ["team"] = "search" }, Tracker = "GitHub", Repository = "acme/search" },
        ],
        Default = new RouteRule { Tracker = "Jira", Project = "OPS" },
    }));

    private static readonly Dictionary<string, string> Payments = new() { ["service"] = "payments" };

    [Fact]
    public void Item_owned_by_another_team_lands_in_that_teams_tracker_before_the_incidents_rule() =>
        Assert.Equal("DBA", Router.Route(Payments, "dba team")?.Project);

    [Fact]
    public void Owner_rule_matches_with_or_without_at() =>
        Assert.Equal("acme/web", Router.Route(Payments, "web")?.Repository);

    [Fact]
    public void Team_is_still_the_incidents_label() =>
        Assert.Equal("acme/search", Router.Route(new Dictionary<string, string> { ["team"] = "search" }, "search")?.Repository);

    [Fact]
    public void Other_owners_follow_the_incidents_labels() =>
        Assert.Equal("PAY", Router.Route(Payments, "Bob")?.Project);

    [Fact]
    public void Nothing_matching_takes_the_default() =>
        Assert.Equal("OPS", Router.Route(new Dictionary<string, string>(), "Bob")?.Project);
}
