using System.Text.RegularExpressions;

namespace IncidentBridge.Tests.Deployment;

/// <summary>
/// The mapping keys of a block-style YAML file, by dotted path (<c>persistence.enabled</c>), with their scalar values.
/// No YAML library is referenced, so this is a small indentation-based reader of the subset the chart's plain YAML
/// files use: block mappings, block lists (their items are not looked into), flow collections and quoted or plain
/// scalars on one line, block scalars (skipped), comments. Anything else, and the mistakes a YAML parser would
/// reject (a tab in the indentation, an indentation that matches no open level, a duplicate key, an unbalanced
/// flow collection or quote), fails with the line number.
/// </summary>
internal sealed partial class YamlOutline
{
    private readonly Dictionary<string, string?> _values;

    private YamlOutline(Dictionary<string, string?> values) => _values = values;

    /// <summary>Every mapping key's path; a key whose value is a nested mapping or list has a null value.</summary>
    public IReadOnlyDictionary<string, string?> Values => _values;

    public bool Has(string path) => _values.ContainsKey(path);

    /// <summary>The scalar at <paramref name="path"/>, unquoted; null when it is missing or not a scalar.</summary>
    public string? Scalar(string path) => _values.GetValueOrDefault(path);

    public static YamlOutline Parse(string text, string fileName)
    {
        var values = new Dictionary<string, string?>(StringComparer.Ordinal);
        // Open containers, innermost last. A container's ChildIndent is unknown (-1) until its first child line.
        var open = new List<Container> { new("", OwnerIndent: -1) { ChildIndent = 0 } };
        var skipDeeperThan = int.MaxValue;
        var lines = text.Split('\n');
        for (var index = 0; index < lines.Length; index++)
        {
            var number = index + 1;
            var line = lines[index].TrimEnd('\r');
            var content = line.TrimStart(' ');
            var indent = line.Length - content.Length;
            if (content.Length == 0 || content.StartsWith('#') || line.TrimEnd() == "---")
            {
                continue;
            }

            if (content.StartsWith('\t'))
            {
                throw Error(fileName, number, "a tab in the indentation");
            }

            if (indent > skipDeeperThan)
            {
                continue;
            }

            skipDeeperThan = int.MaxValue;
            var isItem = content == "-" || content.StartsWith("- ", StringComparison.Ordinal);
            var top = Enter(open, indent, isItem, fileName, number);
            if (isItem)
            {
                if (top.HasKeys)
                {
                    throw Error(fileName, number, "a list item among mapping keys");
                }

                top.HasItems = true;
                CheckScalar(content.TrimStart('-').Trim(), fileName, number);
                skipDeeperThan = indent;
                continue;
            }

            if (top.HasItems)
            {
                throw Error(fileName, number, "a mapping key among list items");
            }

            var match = KeyLine().Match(content);
            if (!match.Success)
            {
                throw Error(fileName, number, $"'{content}' is neither 'key: value' nor a list item");
            }

            var key = Unquote(match.Groups["key"].Value.Trim());
            var path = top.Path.Length == 0 ? key : $"{top.Path}.{key}";
            if (values.ContainsKey(path))
            {
                throw Error(fileName, number, $"duplicate key '{path}'");
            }

            top.HasKeys = true;
            var value = StripComment(match.Groups["value"].Value.Trim());
            if (value.Length == 0)
            {
                values[path] = null;
                open.Add(new Container(path, indent));
            }
            else if (value[0] is '|' or '>')
            {
                values[path] = null;
                skipDeeperThan = indent;
            }
            else
            {
                CheckScalar(value, fileName, number);
                values[path] = Unquote(value);
            }
        }

        return new YamlOutline(values);
    }

    /// <summary>Closes the containers the indentation has left and returns the one the line belongs to.</summary>
    private static Container Enter(List<Container> open, int indent, bool isItem, string fileName, int number)
    {
        while (true)
        {
            var top = open[^1];
            if (top.ChildIndent < 0)
            {
                // A list may sit at its key's own indentation ("key:\n- item").
                if (indent > top.OwnerIndent || (isItem && indent == top.OwnerIndent))
                {
                    top.ChildIndent = indent;
                    return top;
                }

                open.RemoveAt(open.Count - 1);
                continue;
            }

            if (indent == top.ChildIndent && !(top.ChildIndent == top.OwnerIndent && !isItem))
            {
                return top;
            }

            if (indent == top.ChildIndent)
            {
                // A key at the indentation of a list that sits at its own key's indentation ends that list.
                open.RemoveAt(open.Count - 1);
                continue;
            }

            if (indent > top.ChildIndent)
            {
                throw Error(fileName, number, $"indentation {indent} opens no level (expected {top.ChildIndent})");
            }

            open.RemoveAt(open.Count - 1);
            if (open.Count == 0)
            {
                throw Error(fileName, number, $"indentation {indent} matches no open level");
            }
        }
    }

    private static void CheckScalar(string value, string fileName, int number)
    {
        if (value.Length == 0)
        {
            return;
        }

        if (value[0] is '"' or '\'' && (value.Length < 2 || value[^1] != value[0]))
        {
            throw Error(fileName, number, $"unterminated quote in {value}");
        }

        if (value[0] is '[' or '{')
        {
            var depth = 0;
            char? quote = null;
            foreach (var c in value)
            {
                if (quote is not null)
                {
                    quote = c == quote ? null : quote;
                }
                else if (c is '"' or '\'')
                {
                    quote = c;
                }
                else if (c is '[' or '{')
                {
                    depth++;
                }
                else if (c is ']' or '}')
                {
                    depth--;
                }
            }

            if (depth != 0 || quote is not null)
            {
                throw Error(fileName, number, $"unbalanced flow collection {value}");
            }
        }
    }

    private static string StripComment(string value)
    {
        if (value.StartsWith('#'))
        {
            return "";
        }

        if (value.Length == 0 || value[0] is '"' or '\'')
        {
            var end = value.Length > 1 ? value.IndexOf(value[0], 1) : -1;
            return end < 0 ? value : value[..(end + 1)];
        }

        var comment = value.IndexOf(" #", StringComparison.Ordinal);
        return comment < 0 ? value : value[..comment].TrimEnd();
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && value[0] is '"' or '\'' && value[^1] == value[0] ? value[1..^1] : value;

    private static FormatException Error(string fileName, int line, string problem) => new($"{fileName}:{line}: {problem}.");

    // A key is plain (no ': ' inside) or quoted; the value, if any, follows ": ".
    [GeneratedRegex("""^(?<key>"[^"]*"|'[^']*'|[^\s"'#:][^:]*?)\s*:(?:\s+(?<value>.*))?$""")]
    private static partial Regex KeyLine();

    private sealed record Container(string Path, int OwnerIndent)
    {
        public int ChildIndent { get; set; } = -1;

        public bool HasKeys { get; set; }

        public bool HasItems { get; set; }
    }
}
