using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Json;

namespace IncidentBridge.Tests.Operations;

/// <summary>The worker's own composition, validated the way the host does on start.</summary>
public sealed class ConfigurationTests
{
    [Theory]
    [InlineData("IncidentBridge:Inbox:MaxAttempts", "0")]
    [InlineData("IncidentBridge:Inbox:PollInterval", "00:00:00")]
    [InlineData("IncidentBridge:Ingest:MaxBodyBytes", "10")]
    [InlineData("IncidentBridge:Sources:Alertmanager:BearerTokens:0", "")]
    [InlineData("IncidentBridge:Sources:PagerDuty:SigningSecrets:0", " ")]
    [InlineData("IncidentBridge:Api:Tokens:0", " ")]
    [InlineData("IncidentBridge:Storage:ConnectionString", " ")]
    // PostgreSQL with the embedded default connection string, which is SQLite's.
    [InlineData("IncidentBridge:Storage:Provider", "Postgres")]
    public void Bad_setting_stops_the_start_with_a_message_naming_the_key(string key, string value) =>
        AssertStartStopsNaming<OptionsValidationException>(key, value);

    [Theory]
    [InlineData("IncidentBridge:Storage:Provider", "Oracle")]
    [InlineData("IncidentBridge:Storage:Synchronous", "Sometimes")]
    public void Value_that_is_not_an_option_stops_the_start_naming_the_key(string key, string value) =>
        AssertStartStopsNaming<InvalidOperationException>(key, value);

    [Fact]
    public void Embedded_defaults_are_valid() => ValidateOnStart("IncidentBridge:Logging:Json", "false");

    [Fact]
    public async Task Configuration_files_are_read_once_not_watched()
    {
        await using var worker = new WorkerFactory();

        var files = ((IConfigurationRoot)worker.Service<IConfiguration>()).Providers.OfType<JsonConfigurationProvider>().ToList();

        Assert.Contains(files, f => f.Source.Path == "appsettings.json");
        Assert.All(files, f => Assert.False(f.Source.ReloadOnChange, $"{f.Source.Path} is watched"));
    }

    private static void AssertStartStopsNaming<TException>(string key, string value)
        where TException : Exception =>
        Assert.Contains(key, Assert.ThrowsAny<TException>(() => ValidateOnStart(key, value)).Message, StringComparison.Ordinal);

    private static void ValidateOnStart(string key, string value)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        using var app = builder.AddIncidentBridge().Build();
        app.Services.GetRequiredService<IStartupValidator>().Validate();
    }
}
