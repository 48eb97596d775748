namespace IncidentBridge.Correlation;

internal sealed class CorrelationOptions
{
    public const string Section = "IncidentBridge:Correlation";

    /// <summary>How long after an incident's last activity an alert with the same correlation-key values still joins it.</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A resolved incident whose own alerts (group key or fingerprint) fire again within this is reopened, not duplicated.</summary>
    public TimeSpan ReopenWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Labels that identify "the same problem" when no group key or fingerprint matches.</summary>
    public List<string> Keys { get; set; } = [];

    /// <summary>The keys in effect: configuration arrays merge by index, so the default lives here, not in the initializer.</summary>
    public IReadOnlyList<string> EffectiveKeys => Keys.Count > 0 ? Keys : DefaultKeys;

    public static IReadOnlyList<string> DefaultKeys { get; } = ["service", "cluster"];
}
