using IncidentBridge.Trackers.GitHub;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace IncidentBridge.Tests.Trackers.GitHub;

public sealed class GitHubOptionsTests
{
    [Theory]
    [InlineData("IncidentBridge:Trackers:GitHub:BaseUrl", "api.github.com")]
    [InlineData("IncidentBridge:Trackers:GitHub:BaseUrl", "ftp://ghe.example.com/")]
    [InlineData("IncidentBridge:Trackers:GitHub:Token", "ghp_secret\n")]
    [InlineData("IncidentBridge:Trackers:GitHub:CreatesPerMinute", "0")]
    [InlineData("IncidentBridge:Trackers:GitHub:Timeout", "00:00:00")]
    public void Bad_setting_stops_the_start_with_a_message_naming_the_key(string key, string value)
    {
        using var app = Build(new() { [key] = value });

        var error = Assert.ThrowsAny<OptionsValidationException>(() => app.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_are_valid_and_leave_GitHub_switched_off()
    {
        using var app = Build([]);

        app.Services.GetRequiredService<IStartupValidator>().Validate();

        var options = app.Services.GetRequiredService<IOptions<GitHubOptions>>().Value;
        Assert.Equal("https://api.github.com/", options.BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(1), options.WriteSpacing);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Timeout);
        var tracker = Assert.IsType<GitHubTracker>(Assert.Single(app.Services.GetServices<ITracker>()), exactMatch: true);
        Assert.Equal("GitHub", tracker.Name);
        Assert.False(tracker.IsConfigured);
        Assert.Same(tracker, app.Services.GetRequiredService<GitHubTracker>());
    }

    [Fact]
    public void Enterprise_settings_with_a_token_configure_the_tracker()
    {
        using var app = Build(new()
        {
            ["IncidentBridge:Trackers:GitHub:BaseUrl"] = "https://ghe.example.com/",
            ["IncidentBridge:Trackers:GitHub:Token"] = "ghp_secret",
            ["IncidentBridge:Trackers:GitHub:CreatesPerMinute"] = "30",
        });

        app.Services.GetRequiredService<IStartupValidator>().Validate();

        Assert.True(app.Services.GetRequiredService<GitHubTracker>().IsConfigured);
        Assert.Equal(TimeSpan.FromSeconds(2), app.Services.GetRequiredService<IOptions<GitHubOptions>>().Value.WriteSpacing);
    }

    private static WebApplication Build(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        return builder.AddGitHub().Build();
    }
}
