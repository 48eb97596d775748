using System.Text.RegularExpressions;

namespace IncidentBridge.Postmortems;

/// <summary>Action-item priority: P0 (most urgent) to P3, or the words the templates use for them.</summary>
internal static partial class PriorityWords
{
    public const string Default = "P2";

    /// <summary>
    /// "P0".."P3" (any case, "P 1" too, and with its word: "P1 - High", "P1 (High)"), Critical→P0, High→P1, Medium→P2,
    /// Low→P3 (also "High Priority"); missing→P2; else null.
    /// </summary>
    public static string? Normalize(string? priority)
    {
        var text = priority?.Trim() ?? "";
        if (text.Length == 0)
        {
            return Default;
        }

        var numbered = Numbered().Match(text);
        if (numbered.Success)
        {
            return "P" + numbered.Groups["level"].Value;
        }

        var word = text.ToLowerInvariant();
        if (word.EndsWith(" priority", StringComparison.Ordinal))
        {
            word = word[..^" priority".Length].TrimEnd();
        }

        return word switch
        {
            "critical" => "P0",
            "high" => "P1",
            "medium" => "P2",
            "low" => "P3",
            _ => null,
        };
    }

    [GeneratedRegex(@"^[Pp]\s*(?<level>[0-3])(?:\s*[-–—:(/].*)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Numbered();
}
