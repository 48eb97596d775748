namespace IncidentBridge.Postmortems;

/// <summary>A postmortem's severity as written, reduced to the incident scale's names.</summary>
internal static class SeverityWords
{
    /// <summary>
    /// "SEV1"/"SEV-1"/"sev 1"/"1"/"critical" → SEV1, "high"/"major" → SEV2, "medium"/"moderate" → SEV3,
    /// "low"/"minor" → SEV4. Anything else (the template's "Critical / High / Medium / Low") is null: severity
    /// is metadata, and a postmortem is worth filing without it.
    /// </summary>
    public static string? Normalize(string? severity)
    {
        var text = string.Concat((severity ?? "").Where(c => !char.IsWhiteSpace(c) && c != '-')).ToLowerInvariant();
        int? level = text switch
        {
            "sev1" or "1" or "critical" => Severity.Sev1,
            "sev2" or "2" or "high" or "major" => Severity.Sev2,
            "sev3" or "3" or "medium" or "moderate" => Severity.Sev3,
            "sev4" or "4" or "low" or "minor" => Severity.Sev4,
            _ => null,
        };
        return level is { } known ? Severity.Name(known) : null;
    }
}
