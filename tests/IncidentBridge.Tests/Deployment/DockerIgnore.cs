using System.Text.RegularExpressions;

namespace IncidentBridge.Tests.Deployment;

/// <summary>
/// The rules of a <c>.dockerignore</c>, applied the way Docker applies them: patterns relative to the context root,
/// <c>*</c> within one path segment, <c>**</c> across any number, <c>!</c> re-includes, the last matching rule wins,
/// and a path is excluded with its parent directory.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly IReadOnlyList<(Regex Pattern, bool Excludes)> _rules;

    private DockerIgnore(IReadOnlyList<(Regex, bool)> rules) => _rules = rules;

    public static DockerIgnore Parse(string text) =>
        new(text.Split('\n')
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.StartsWith('!') ? (ToRegex(line[1..]), false) : (ToRegex(line), true))
            .ToList());

    /// <summary>Whether <paramref name="path"/> (relative to the context, forward slashes) stays out of the build context.</summary>
    public bool Excludes(string path)
    {
        var segments = path.Trim('/').Split('/');
        for (var length = 1; length <= segments.Length; length++)
        {
            if (IsExcludedItself(string.Join('/', segments[..length])))
            {
                return true;
            }
        }

        return false;
    }

    private bool IsExcludedItself(string path)
    {
        var excluded = false;
        foreach (var (pattern, excludes) in _rules)
        {
            if (pattern.IsMatch(path))
            {
                excluded = excludes;
            }
        }

        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var cleaned = pattern.Trim().Trim('/');
        var regex = new StringBuilder("^");
        for (var i = 0; i < cleaned.Length; i++)
        {
            if (cleaned[i] == '*' && i + 1 < cleaned.Length && cleaned[i + 1] == '*')
            {
                // "**/" also matches no directory at all.
                var slash = i + 2 < cleaned.Length && cleaned[i + 2] == '/';
                regex.Append(slash ? "(.*/)?" : ".*");
                i += slash ? 2 : 1;
            }
            else
            {
                regex.Append(cleaned[i] switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    var c => Regex.Escape(c.ToString()),
                });
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
