using IncidentBridge.Trackers.Jira;
using Microsoft.AspNetCore.Builder;

namespace IncidentBridge.Tests.Trackers.Jira;

public sealed class JiraOptionsValidationTests
{
    private const string S = JiraOptions.Section;

    [Theory]
    [InlineData("BaseUrl", "acme.atlassian.net", "BaseUrl")]
    [InlineData("BaseUrl", "ftp://acme.atlassian.net", "BaseUrl")]
    [InlineData("ApiToken", "", "ApiToken")]
    [InlineData("Email", "", "Email")]
    [InlineData("BearerToken", "pat", "BearerToken")]
    [InlineData("ApiVersion", "4", "ApiVersion")]
    [InlineData("IssueType", " ", "IssueType")]
    [InlineData("Timeout", "00:00:00", "Timeout")]
    [InlineData("MaxRetryAttempts", "9", "MaxRetryAttempts")]
    [InlineData("SyncOverlap", "-00:01:00", "SyncOverlap")]
    [InlineData("SyncOverlap", "1.00:00:01", "SyncOverlap")]
    public void Bad_Jira_setting_stops_the_start_naming_the_key(string key, string value, string named)
    {
        var settings = Cloud();
        settings[$"{S}:{key}"] = value;

        var error = Assert.Throws<OptionsValidationException>(() => Start(settings));

        Assert.Contains($"{S}:{named}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Base_url_without_any_credentials_stops_the_start()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Start(new() { [$"{S}:BaseUrl"] = "https://acme.atlassian.net" }));

        Assert.Contains($"{S}:ApiToken", error.Message, StringComparison.Ordinal);
        Assert.Contains($"{S}:BearerToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cloud_and_Data_Center_settings_are_valid()
    {
        Start(Cloud());
        Start(new() { [$"{S}:BaseUrl"] = "https://jira.example.com/jira", [$"{S}:BearerToken"] = "pat", [$"{S}:ApiVersion"] = "2" });
    }

    [Fact]
    public async Task Jira_without_a_base_url_is_valid_and_its_calls_are_rejected_until_configured()
    {
        using var app = Start([]);
        var tracker = app.Services.GetServices<ITracker>().Single(t => t.Name == "Jira");

        var error = await Assert.ThrowsAsync<TrackerRejectedException>(
            () => tracker.FindByMarkerAsync(JiraIssues.Target(), JiraIssues.Marker, CancellationToken.None));

        Assert.Contains($"{S}:BaseUrl", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jira_tracker_is_the_client_itself_and_one_object_for_the_life_of_the_process()
    {
        using var app = Start(Cloud());

        var tracker = app.Services.GetServices<ITracker>().Single(t => t.Name == TrackerNames.Jira);

        Assert.IsType<JiraClient>(tracker, exactMatch: true);
        Assert.Same(tracker, app.Services.GetServices<ITracker>().Single(t => t.Name == TrackerNames.Jira));
    }

    [Theory]
    [InlineData("https://acme.atlassian.net", "https://acme.atlassian.net/")]
    [InlineData("https://jira.example.com/jira", "https://jira.example.com/jira/")]
    [InlineData("https://jira.example.com/jira//", "https://jira.example.com/jira/")]
    [InlineData("https://jira.example.com/jira/?x=1", "https://jira.example.com/jira/")]
    [InlineData(" ", null)]
    [InlineData(null, null)]
    public void Site_root_keeps_a_context_path_and_ends_in_one_slash(string? baseUrl, string? siteRoot) =>
        Assert.Equal(siteRoot, new JiraOptions { BaseUrl = baseUrl }.SiteRoot?.ToString());

    private static Dictionary<string, string?> Cloud() => new()
    {
        [$"{S}:BaseUrl"] = "https://acme.atlassian.net",
        [$"{S}:Email"] = "bot@example.com",
        [$"{S}:ApiToken"] = "secret-token",
    };

    private static WebApplication Start(Dictionary<string, string?> settings) => RegistrationHost.Start(settings, builder => builder.AddJira());
}
