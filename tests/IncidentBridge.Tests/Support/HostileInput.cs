namespace IncidentBridge.Tests.Support;

/// <summary>
/// Seeded mutations of valid request bodies, for the hostile-input corpus: truncation, wrong types, missing fields, huge
/// strings, deep nesting, odd numbers and dates, duplicate keys, invalid UTF-8, control characters, byte noise, and for
/// Markdown deep lists and quotes, huge tables, unclosed fences and odd line ends. Each case stacks one to three of them
/// and says which (<see cref="Mutated.Description"/>), so a failure names what was sent. Everything is drawn from the
/// <see cref="Random"/> given, so a case is reproduced by its seed.
/// </summary>
internal static class HostileInput
{
    /// <summary>A string value spliced out of the serialised JSON for raw text that no JSON serialiser would write.</summary>
    private const string Splice = "\u0001splice\u0001";

    private static readonly string SpliceJson = JsonSerializer.Serialize(Splice);

    /// <summary>
    /// Past this a body is refused by its length alone (the worker's limit is 1 MiB), so mutating it further teaches
    /// nothing, and stacked floods would grow without end.
    /// </summary>
    private const int EnoughBytes = 1_200_000;

    private static readonly byte[][] InvalidUtf8 =
    [
        [0xC3, 0x28], // a lead byte without its continuation
        [0xED, 0xA0, 0x80], // a UTF-16 surrogate encoded as UTF-8
        [0xC0, 0xAF], // an overlong '/'
        [0xFF, 0xFE, 0xFD],
        [0xF4, 0x90, 0x80, 0x80], // above U+10FFFF
        [0xE2, 0x82], // cut short
        [0x80],
    ];

    private static readonly string[] OddStrings =
    [
        "", " ", "null", "0", "-1", "true", "2026-02-30T25:61:61Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.9999999+14:00",
        "1970-01-01", "not a date", "P1", "SEV0", "\u0000", "\u001b[31mred\u001b[0m", "line\r\nforged: yes", "\u2028\u2029", "\u202Eevil",
        "\uFEFF", "😀😀😀", "<script>alert(1)</script>", "'; DROP TABLE incidents; --", "%s%n%x", "{{template}}", "../../etc/passwd",
        "a\\b", "INC-0000-0000", "INC-9999-99999999999999999999", "PAY-", "owner/repo#-1", "#", "--", "| a | b |",
    ];

    private static readonly string[] OddLiterals =
    [
        "1e400", "-1e400", "1.0000000000000000000001", "99999999999999999999999999", "-0", "NaN", "Infinity", "0x10", "01", ".5",
        "1e", "-", "+1", "9223372036854775808", "-9223372036854775809", "4.9e-325", "true1", "nul", "[", "{", "]", "}", "\"", ",",
    ];

    private static readonly (string Name, Func<JsonNode, Random, JsonMutation> Apply)[] JsonMutations =
    [
        ("wrong-type", WrongType),
        ("remove-field", RemoveField),
        ("null-field", NullField),
        ("odd-string", (root, random) => ReplaceAny(root, random, JsonValue.Create(Pick(random, OddStrings)))),
        ("odd-literal", (root, random) => ReplaceAnyRaw(root, random, Pick(random, OddLiterals))),
        ("huge-string", HugeString),
        ("deep-nesting", DeepNesting),
        ("array-flood", ArrayFlood),
        ("duplicate-key", DuplicateKey),
        ("invalid-utf8-in-string", (root, random) => ReplaceStringRaw(root, random, Quoted(Pick(random, InvalidUtf8)))),
        ("raw-control-chars-in-string", (root, random) => ReplaceStringRaw(root, random, Quoted(RawControlCharacters(random)))),
        ("escaped-control-chars", (root, random) => ReplaceAny(root, random, JsonValue.Create(EscapedControlCharacters(random)))),
    ];

    private static readonly (string Name, Func<byte[], Random, byte[]> Apply)[] ByteMutations =
    [
        ("truncate", (body, random) => body[..random.Next(body.Length + 1)]),
        ("flip-bytes", FlipBytes),
        ("insert-invalid-utf8", (body, random) => Insert(body, random.Next(body.Length + 1), Pick(random, InvalidUtf8))),
        ("insert-control-chars", (body, random) => Insert(body, random.Next(body.Length + 1), RawControlCharacters(random))),
        ("delete-range", DeleteRange),
        ("duplicate-range", DuplicateRange),
        ("bom", (body, _) => [0xEF, 0xBB, 0xBF, .. body]),
        ("utf16", (body, _) => Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(body))),
    ];

    private static readonly byte[][] WholeBodies =
    [
        [], " "u8.ToArray(), "null"u8.ToArray(), "[]"u8.ToArray(), "{}"u8.ToArray(), "42"u8.ToArray(), "\"text\""u8.ToArray(), "<xml/>"u8.ToArray(),
        "{\"a\":"u8.ToArray(), [0], [0xFF, 0xFF], "a=1&b=2"u8.ToArray(), "--boundary\r\n\r\n"u8.ToArray(),
    ];

    private static readonly (string Name, Func<string, Random, string> Apply)[] MarkdownMutations =
    [
        ("deep-list", (text, random) => InsertLines(text, random, Enumerable.Range(0, random.Next(50, 200)).Select(i => new string(' ', i * 2) + "- item " + i))),
        ("deep-quote", (text, random) => InsertLines(text, random, [new string('>', random.Next(50, 5000)) + " quoted"])),
        ("deep-emphasis", (text, random) => InsertLines(text, random, [new string('*', random.Next(100, 5000)) + "x" + new string('_', random.Next(100, 5000))])),
        ("huge-table", HugeTable),
        ("wide-table", (text, random) => InsertLines(text, random, ["| " + string.Join(" | ", Enumerable.Range(0, random.Next(100, 1000))) + " |", "|" + string.Concat(Enumerable.Repeat("---|", 3))])),
        ("unclosed-fence", (text, random) => InsertLines(text, random, ["```", "not closed"])),
        ("unclosed-comment", (text, random) => InsertLines(text, random, ["<!-- not closed"])),
        ("long-heading", (text, random) => InsertLines(text, random, [new string('#', random.Next(1, 12)) + " " + new string('H', random.Next(1000, 200000))])),
        ("many-lines", (text, random) => InsertLines(text, random, Enumerable.Repeat("-", random.Next(1000, 20000)))),
        ("action-items-flood", ActionItemsFlood),
        ("line-ends", (text, random) => random.Next(3) switch { 0 => text.Replace("\n", "\r\n"), 1 => text.Replace("\n", "\r"), _ => text.Replace("\n", "\u2028") }),
        ("delete-lines", DeleteLines),
        ("odd-cell", (text, random) => ReplaceCell(text, random)),
    ];

    private static readonly string[] MarkdownOddCells = [.. OddStrings, "|", "\\|", "`|`", "[link](javascript:alert(1))", "<b>", "**", "~~"];

    /// <summary>A mutation of a JSON tree: a new root, and raw text to put where <see cref="Splice"/> stands, if any.</summary>
    private sealed record JsonMutation(JsonNode? Root, byte[]? Raw = null);

    public sealed record Mutated(byte[] Body, string Description);

    /// <summary>One to three mutations of the JSON body <paramref name="seed"/>: mostly structural, some byte-level.</summary>
    public static Mutated Json(byte[] seed, Random random)
    {
        if (random.Next(40) == 0)
        {
            return new(Pick(random, WholeBodies), "whole-body");
        }

        return Mutate(seed, random, static (body, random) =>
        {
            if (!TryParse(body, out var root))
            {
                return null;
            }

            var (name, apply) = Pick(random, JsonMutations);
            return (name, Serialize(apply(root, random)));
        });
    }

    /// <summary>One to three mutations of the Markdown body <paramref name="seed"/>: mostly of its lines, some byte-level.</summary>
    public static Mutated Markdown(byte[] seed, Random random) =>
        Mutate(seed, random, static (body, random) =>
        {
            var (name, apply) = Pick(random, MarkdownMutations);
            return (name, Encoding.UTF8.GetBytes(apply(Encoding.UTF8.GetString(body), random)));
        });

    public static T Pick<T>(Random random, IReadOnlyList<T> items) => items[random.Next(items.Count)];

    /// <summary>
    /// One to three mutations while the body is small enough: a quarter of them byte-level, the rest by
    /// <paramref name="structural"/>, or byte-level too where it finds no structure (null).
    /// </summary>
    private static Mutated Mutate(byte[] seed, Random random, Func<byte[], Random, (string Name, byte[] Body)?> structural)
    {
        var body = seed;
        var names = new List<string>();
        for (var n = random.Next(1, 4); n > 0 && body.Length <= EnoughBytes; n--)
        {
            if (random.Next(4) != 0 && structural(body, random) is { } mutation)
            {
                names.Add(mutation.Name);
                body = mutation.Body;
                continue;
            }

            var (name, apply) = Pick(random, ByteMutations);
            names.Add(name);
            body = apply(body, random);
        }

        return new(body, string.Join('+', names));
    }

    private static bool TryParse(byte[] body, out JsonNode root)
    {
        try
        {
            root = JsonNode.Parse(body) ?? JsonValue.Create(0);
            // JsonObject reads its properties lazily: a duplicate key shows only when it is first walked, an escaped
            // lone surrogate only when it is written again.
            _ = Nodes(root);
            _ = root.ToJsonString();
            return true;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            root = JsonValue.Create(0);
            return false;
        }
    }

    private static byte[] Serialize(JsonMutation mutation)
    {
        var text = mutation.Root?.ToJsonString() ?? "null";
        var bytes = Encoding.UTF8.GetBytes(text);
        if (mutation.Raw is null)
        {
            return bytes;
        }

        var at = text.IndexOf(SpliceJson, StringComparison.Ordinal);
        if (at < 0)
        {
            return bytes;
        }

        var prefix = Encoding.UTF8.GetBytes(text[..at]);
        var suffix = Encoding.UTF8.GetBytes(text[(at + SpliceJson.Length)..]);
        return [.. prefix, .. mutation.Raw, .. suffix];
    }

    /// <summary>Every node of the tree, the root first, each with a way to replace it (none for the root).</summary>
    private static List<(JsonNode? Node, Action<JsonNode?>? Replace)> Nodes(JsonNode root)
    {
        var nodes = new List<(JsonNode?, Action<JsonNode?>?)> { (root, null) };
        void Walk(JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var name in obj.Select(p => p.Key).ToList())
                    {
                        nodes.Add((obj[name], value => obj[name] = value));
                        Walk(obj[name]);
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        var index = i;
                        nodes.Add((array[i], value => array[index] = value));
                        Walk(array[i]);
                    }

                    break;
            }
        }

        Walk(root);
        return nodes;
    }

    private static JsonMutation ReplaceAny(JsonNode root, Random random, JsonNode? value)
    {
        var (_, replace) = Pick(random, Nodes(root));
        if (replace is null)
        {
            return new(value);
        }

        replace(value);
        return new(root);
    }

    private static JsonMutation ReplaceAnyRaw(JsonNode root, Random random, string raw)
    {
        var mutation = ReplaceAny(root, random, JsonValue.Create(Splice));
        return mutation with { Raw = Encoding.UTF8.GetBytes(raw) };
    }

    private static JsonMutation ReplaceStringRaw(JsonNode root, Random random, byte[] raw)
    {
        var strings = Nodes(root).Where(n => n.Replace is not null && n.Node is JsonValue v && v.GetValueKind() == JsonValueKind.String).ToList();
        if (strings.Count == 0)
        {
            return ReplaceAnyRaw(root, random, Encoding.UTF8.GetString(raw));
        }

        Pick(random, strings).Replace?.Invoke(JsonValue.Create(Splice));
        return new(root, raw);
    }

    private static JsonMutation WrongType(JsonNode root, Random random)
    {
        JsonNode?[] others =
        [
            JsonValue.Create(random.Next()), JsonValue.Create(-1.5), JsonValue.Create(true), JsonValue.Create("text"), null,
            new JsonArray(JsonValue.Create(1), JsonValue.Create("two")), new JsonObject { ["unexpected"] = "value" }, new JsonArray(), new JsonObject(),
        ];
        return ReplaceAny(root, random, Pick(random, others));
    }

    private static JsonMutation RemoveField(JsonNode root, Random random)
    {
        var objects = Nodes(root).Select(n => n.Node).OfType<JsonObject>().Where(o => o.Count > 0).ToList();
        if (objects.Count > 0)
        {
            var target = Pick(random, objects);
            target.Remove(target.ElementAt(random.Next(target.Count)).Key);
        }

        return new(root);
    }

    private static JsonMutation NullField(JsonNode root, Random random) => ReplaceAny(root, random, null);

    private static JsonMutation HugeString(JsonNode root, Random random)
    {
        // Mostly under Ingest:MaxBodyBytes (1 MiB), so the parser sees them; now and then over it (413).
        int[] lengths = [1_000, 10_000, 70_000, 300_000, 900_000, 1_100_000];
        var length = Pick(random, lengths);
        var text = random.Next(3) switch
        {
            0 => new string('A', length),
            1 => string.Concat(Enumerable.Repeat("é😀", length / 6)),
            _ => string.Concat(Enumerable.Repeat("\\\"", length / 4)),
        };
        var strings = Nodes(root).Where(n => n.Replace is not null && n.Node is JsonValue v && v.GetValueKind() == JsonValueKind.String).ToList();
        if (strings.Count == 0 || random.Next(4) == 0)
        {
            return ReplaceAny(root, random, JsonValue.Create(text));
        }

        Pick(random, strings).Replace?.Invoke(JsonValue.Create(text));
        return new(root);
    }

    private static JsonMutation DeepNesting(JsonNode root, Random random)
    {
        int[] depths = [63, 64, 65, 200, 5_000, 100_000];
        var depth = Pick(random, depths);
        var raw = random.Next(2) == 0
            ? new string('[', depth) + new string(']', depth)
            : string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth);
        return ReplaceAnyRaw(root, random, raw);
    }

    private static JsonMutation ArrayFlood(JsonNode root, Random random)
    {
        var arrays = Nodes(root).Select(n => n.Node).OfType<JsonArray>().ToList();
        var target = arrays.Count > 0 ? Pick(random, arrays) : null;
        var template = target?.FirstOrDefault() ?? JsonValue.Create("x");
        int[] counts = [100, 1_000, 10_000];
        var count = Math.Min(Pick(random, counts), EnoughBytes / Math.Max(1, template?.ToJsonString().Length ?? 4));
        var flood = new JsonArray();
        for (var i = 0; i < count; i++)
        {
            flood.Add(template?.DeepClone());
        }

        if (target is null)
        {
            return ReplaceAny(root, random, flood);
        }

        var (_, replace) = Nodes(root).First(n => ReferenceEquals(n.Node, target));
        if (replace is null)
        {
            return new(flood);
        }

        replace(flood);
        return new(root);
    }

    private static JsonMutation DuplicateKey(JsonNode root, Random random)
    {
        var objects = Nodes(root).Where(n => n.Replace is not null && n.Node is JsonObject { Count: > 0 }).ToList();
        if (root is JsonObject { Count: > 0 })
        {
            objects.Add((root, null));
        }

        if (objects.Count == 0)
        {
            return new(root);
        }

        var (node, replace) = Pick(random, objects);
        var obj = (JsonObject)node!;
        var name = obj.ElementAt(random.Next(obj.Count)).Key;
        var text = obj.ToJsonString();
        var raw = $"{{{JsonSerializer.Serialize(name)}:{JsonSerializer.Serialize(Pick(random, OddStrings))},{text[1..]}";
        if (replace is null)
        {
            return new(JsonValue.Create(Splice), Encoding.UTF8.GetBytes(raw));
        }

        replace(JsonValue.Create(Splice));
        return new(root, Encoding.UTF8.GetBytes(raw));
    }

    private static byte[] Quoted(byte[] raw) => [(byte)'"', .. "x"u8, .. raw, .. "y"u8, (byte)'"'];

    private static byte[] RawControlCharacters(Random random)
    {
        var bytes = new byte[random.Next(1, 8)];
        for (var i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)random.Next(0, 32);
        }

        return random.Next(5) == 0 ? [.. bytes, 0x7F] : bytes;
    }

    private static string EscapedControlCharacters(Random random) =>
        string.Concat(Enumerable.Range(0, random.Next(1, 8)).Select(_ => (char)random.Next(0, 32))) + "\n\rforged line";

    private static byte[] FlipBytes(byte[] body, Random random)
    {
        var copy = body.ToArray();
        for (var n = random.Next(1, 11); n > 0 && copy.Length > 0; n--)
        {
            copy[random.Next(copy.Length)] = (byte)random.Next(256);
        }

        return copy;
    }

    private static byte[] Insert(byte[] body, int at, byte[] bytes) => [.. body[..at], .. bytes, .. body[at..]];

    private static byte[] DeleteRange(byte[] body, Random random) =>
        AroundRange(body, random, 200, (from, to) => [.. body[..from], .. body[to..]]);

    private static byte[] DuplicateRange(byte[] body, Random random) =>
        AroundRange(body, random, 500, (from, to) => [.. body[..to], .. body[from..]]);

    /// <summary>Picks a range of fewer than <paramref name="longest"/> bytes and rebuilds the body around it; an empty body stays as it is.</summary>
    private static byte[] AroundRange(byte[] body, Random random, int longest, Func<int, int, byte[]> rebuild)
    {
        if (body.Length == 0)
        {
            return body;
        }

        var from = random.Next(body.Length);
        var to = Math.Min(body.Length, from + random.Next(1, longest));
        return rebuild(from, to);
    }

    private static string InsertLines(string text, Random random, IEnumerable<string> lines)
    {
        var all = text.Split('\n').ToList();
        all.InsertRange(random.Next(all.Count + 1), lines);
        return string.Join('\n', all);
    }

    private static string HugeTable(string text, Random random)
    {
        var rows = new List<string> { "| # | Action | Owner | Priority | Due |", "|---|---|---|---|---|" };
        var count = random.Next(10, 1000);
        for (var i = 0; i < count; i++)
        {
            rows.Add($"| {i} | {new string('x', random.Next(1, 300))} | Bob | P{random.Next(0, 9)} | 2026-{random.Next(0, 15):00}-{random.Next(0, 40):00} |");
        }

        return InsertLines(text, random, rows);
    }

    private static string ActionItemsFlood(string text, Random random)
    {
        var rows = new List<string> { "## Action Items", string.Empty, "| Action | Owner | Priority | Due Date | Ticket |", "| --- | --- | --- | --- | --- |" };
        var count = random.Next(50, 500);
        for (var i = 0; i < count; i++)
        {
            rows.Add($"| Fix thing {i} | {Pick(random, MarkdownOddCells)} | {Pick(random, MarkdownOddCells)} | {Pick(random, MarkdownOddCells)} | {Pick(random, MarkdownOddCells)} |");
        }

        return InsertLines(text, random, rows);
    }

    private static string DeleteLines(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        for (var n = random.Next(1, 30); n > 0 && lines.Count > 0; n--)
        {
            lines.RemoveAt(random.Next(lines.Count));
        }

        return string.Join('\n', lines);
    }

    private static string ReplaceCell(string text, Random random)
    {
        var lines = text.Split('\n');
        var rows = lines.Select((line, index) => (line, index)).Where(l => l.line.TrimStart().StartsWith('|') && l.line.Count(c => c == '|') > 2).ToList();
        if (rows.Count == 0)
        {
            return text;
        }

        var (row, at) = Pick(random, rows);
        var cells = row.Split('|');
        cells[random.Next(1, cells.Length - 1)] = " " + Pick(random, MarkdownOddCells) + " ";
        lines[at] = string.Join('|', cells);
        return string.Join('\n', lines);
    }
}
