namespace IncidentBridge.Incidents;

/// <summary>SEV1 (worst) to SEV4, stored as 1..4 so "the highest seen wins" is a MIN.</summary>
internal static class Severity
{
    public const int Sev1 = 1;
    public const int Sev2 = 2;
    public const int Sev3 = 3;
    public const int Sev4 = 4;

    /// <summary>Used when an alert has no <c>severity</c> label we know.</summary>
    public const int Default = Sev3;

    public static string Name(long severity) => $"SEV{Math.Clamp(severity, Sev1, Sev4)}";

    public static bool TryParse(string? value, out int severity)
    {
        severity = value?.Trim().ToUpperInvariant() switch
        {
            "SEV1" or "SEV-1" or "1" => Sev1,
            "SEV2" or "SEV-2" or "2" => Sev2,
            "SEV3" or "SEV-3" or "3" => Sev3,
            "SEV4" or "SEV-4" or "4" => Sev4,
            _ => 0,
        };
        return severity != 0;
    }

    /// <summary>
    /// Alertmanager's conventional <c>severity</c> label: <c>critical</c> is SEV1, <c>error</c>/<c>high</c> SEV2,
    /// <c>warning</c> SEV3, <c>info</c> SEV4 (with common spellings of each); anything else is <see cref="Default"/>.
    /// </summary>
    public static int FromAlertLabel(string? label) => label?.Trim().ToLowerInvariant() switch
    {
        "critical" or "page" or "sev1" => Sev1,
        "error" or "high" or "major" or "sev2" => Sev2,
        "warning" or "warn" or "medium" or "sev3" => Sev3,
        "info" or "informational" or "low" or "none" or "sev4" => Sev4,
        _ => Default,
    };

    /// <summary>PagerDuty priority name (P1..P5) when set, else urgency.</summary>
    public static int FromPagerDuty(string? priority, string? urgency) => priority?.Trim().ToUpperInvariant() switch
    {
        "P1" => Sev1,
        "P2" => Sev2,
        "P3" => Sev3,
        "P4" or "P5" => Sev4,
        _ => urgency == "low" ? Sev4 : Sev2,
    };
}
