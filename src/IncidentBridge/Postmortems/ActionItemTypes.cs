namespace IncidentBridge.Postmortems;

/// <summary>What an action item does about the incident: prevent, detect, mitigate, or process.</summary>
internal static class ActionItemTypes
{
    public const string Prevent = "prevent";
    public const string Detect = "detect";
    public const string Mitigate = "mitigate";
    public const string Process = "process";

    /// <summary>The type for a word (any case; the nouns "prevention", "detection", "mitigation" too); null when unknown.</summary>
    public static string? Find(string type) => type.Trim().ToLowerInvariant() switch
    {
        "prevent" or "prevention" => Prevent,
        "detect" or "detection" => Detect,
        "mitigate" or "mitigation" => Mitigate,
        "process" => Process,
        _ => null,
    };
}
