namespace IncidentBridge.Postmortems;

/// <summary>
/// What an action item does about the incident: prevent, detect, mitigate, or process. Postmortems also sort items by
/// when they are due to land (immediate, short-term, medium-term, long-term): that is the item's horizon, and such an
/// item prevents a recurrence.
/// </summary>
internal static class ActionItemTypes
{
    public const string Prevent = "prevent";
    public const string Detect = "detect";
    public const string Mitigate = "mitigate";
    public const string Process = "process";

    /// <summary>The words a warning lists when a type is not one of them.</summary>
    public const string Known = "prevent, detect, mitigate, process, monitoring, or a horizon: immediate, short-term, medium-term, long-term";

    /// <summary>
    /// The type for a word (any case; the nouns "prevention", "detection", "mitigation" too; "monitoring" is detection;
    /// a horizon word is prevention); null when unknown.
    /// </summary>
    public static string? Find(string type) => Word(type) switch
    {
        "prevent" or "prevention" or "preventive" or "preventative" => Prevent,
        "detect" or "detection" or "monitoring" or "monitor" or "alerting" => Detect,
        "mitigate" or "mitigation" => Mitigate,
        "process" => Process,
        _ => Horizon(type) is null ? null : Prevent,
    };

    /// <summary>"immediate", "short-term", "medium-term" or "long-term" for a horizon word (any case, "Short term" too); else null.</summary>
    public static string? Horizon(string? type) => Word(type ?? "") switch
    {
        "immediate" => "immediate",
        "short-term" or "short term" or "shortterm" => "short-term",
        "medium-term" or "medium term" or "mid-term" or "mid term" => "medium-term",
        "long-term" or "long term" or "longterm" => "long-term",
        _ => null,
    };

    private static string Word(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();
}
