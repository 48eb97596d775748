using IncidentBridge.FollowUp.Email;
using Microsoft.AspNetCore.Builder;

namespace IncidentBridge.Tests.FollowUp.Email;

public sealed class EmailOptionsValidationTests
{
    private const string S = "IncidentBridge:Email:Smtp";
    private const string Password = "smtp-secret-password";

    [Theory]
    [InlineData("From", "", "From")]
    [InlineData("From", "not-an-address", "From")]
    [InlineData("From", "a@example.com, b@example.com", "From")]
    [InlineData("Port", "0", "Port")]
    [InlineData("Port", "65536", "Port")]
    [InlineData("Username", "", "Username")]
    [InlineData("Host", "smtp://mail.example.com", "Host")]
    [InlineData("Timeout", "00:00:00", "Timeout")]
    [InlineData("Port", "465", "UseStartTls")]
    public void Bad_email_setting_stops_the_start_naming_the_key(string key, string value, string named)
    {
        var settings = Configured();
        settings[$"{S}:{key}"] = value;

        var error = Assert.Throws<OptionsValidationException>(() => Start(settings));

        Assert.Contains($"{S}:{named}", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Password_without_a_username_stops_the_start_without_echoing_it()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Start(new() { [$"{S}:Password"] = Password }));

        Assert.Contains($"{S}:Username", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Configured_relay_is_valid_and_keeps_its_defaults()
    {
        var settings = Configured();
        settings.Remove($"{S}:Port");
        using var app = Start(settings);

        var smtp = app.Services.GetRequiredService<IOptions<EmailOptions>>().Value.Smtp;
        Assert.Equal(587, smtp.Port);
        Assert.True(smtp.UseStartTls);
        Assert.Equal(TimeSpan.FromSeconds(30), smtp.Timeout);
    }

    [Fact]
    public void Implicit_tls_on_465_and_a_plain_local_relay_are_valid()
    {
        using var implicitTls = Start(new() { [$"{S}:Host"] = "smtp.example.com", [$"{S}:Port"] = "465", [$"{S}:UseStartTls"] = "false", [$"{S}:From"] = "incidents@example.com" });
        using var localRelay = Start(new() { [$"{S}:Host"] = "localhost", [$"{S}:Port"] = "25", [$"{S}:UseStartTls"] = "false", [$"{S}:From"] = "incidents@example.com" });
    }

    [Fact]
    public void No_email_section_is_valid_and_means_not_configured()
    {
        using var app = Start([]);

        Assert.False(app.Services.GetRequiredService<IOptions<EmailOptions>>().Value.IsConfigured);
        Assert.NotNull(app.Services.GetRequiredService<DigestMailer>());
    }

    private static Dictionary<string, string?> Configured() => new()
    {
        [$"{S}:Host"] = "smtp.example.com",
        [$"{S}:Port"] = "587",
        [$"{S}:Username"] = "digest-bot",
        [$"{S}:Password"] = Password,
        [$"{S}:From"] = "IncidentBridge <incidents@example.com>",
    };

    private static WebApplication Start(Dictionary<string, string?> settings) => RegistrationHost.Start(settings, builder => builder.AddEmail());
}
