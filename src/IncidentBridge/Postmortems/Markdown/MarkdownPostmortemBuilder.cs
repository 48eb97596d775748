using System.Text.RegularExpressions;

namespace IncidentBridge.Postmortems.Markdown;

/// <summary>
/// Collects a <see cref="PostmortemDocument"/> while <see cref="MarkdownPostmortemReader"/> walks the blocks in
/// document order. It knows which section the walk is in: the innermost heading whose name is a section
/// (so "### Successes During the Incident" under "## What Went Well" still counts as what went well), or a bold
/// label such as <c>**Contributing Factors:**</c> until the next heading. A heading or label that names action items
/// (<see cref="ActionItemHeadings"/>) opens a section whose list items are action items, through its sub-headings
/// ("### Database" under "## Action Items"); one that yields no item is named in a warning when it closes.
/// </summary>
internal sealed partial class MarkdownPostmortemBuilder
{
    private readonly List<(int Level, PostmortemSection Section, ActionSection? Actions)> _headings = [];
    private readonly List<ActionSection> _actionLists = [];
    private readonly List<string> _warnings = [];
    private ActionSection? _actionLabel;
    private readonly Dictionary<PostmortemSection, List<string>> _sections = [];
    private readonly List<PostmortemTimelineEntry> _timeline = [];
    private readonly List<ActionItemInput> _actionItems = [];
    private PostmortemSection? _label;
    private bool _sawTitle;
    private string? _title;
    private readonly Dictionary<string, string> _metadata = [];
    private bool _sawActionItemTable;
    private int _tables;

    /// <summary>The text of the last heading seen, to say where a table is.</summary>
    public string? NearestHeading { get; private set; }

    /// <summary>What the postmortem wrote that looked like an action item or a field and was not taken.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>
    /// Whether a list item here is an action item: under a label naming action items, or under a heading naming them
    /// with no nearer heading or label naming another section (<c>**Contributing Factors:**</c> inside it keeps its lists).
    /// </summary>
    public bool InActionItems =>
        _actionLabel is not null ||
        _label is null && _headings.LastOrDefault(heading => heading.Section != PostmortemSection.None || heading.Actions is not null).Actions is not null;

    /// <summary>The name of the innermost open section of action items, to say where an item is.</summary>
    public string? ActionSectionName =>
        (_actionLists.LastOrDefault() ?? _actionLabel ?? _headings.LastOrDefault(heading => heading.Actions is not null).Actions)?.Name;

    private PostmortemSection Section =>
        _label ?? _headings.LastOrDefault(heading => heading.Section != PostmortemSection.None).Section;

    public static bool IsKnownField(string name) =>
        MetadataName(name) is not null || PostmortemSectionNames.Find(name) != PostmortemSection.None;

    public void Heading(int level, string text, int line)
    {
        if (level == 1 && !_sawTitle)
        {
            _sawTitle = true;
            var title = TitlePrefix().Replace(text, "").Trim();
            _title = title.Length == 0 || MarkdownText.IsPlaceholder(title) ? null : title;
        }

        // Innermost first: a label's section lies inside the headings' sections.
        Close(_actionLabel);
        _actionLabel = null;
        foreach (var closed in _headings.Where(heading => heading.Level >= level).Reverse())
        {
            Close(closed.Actions);
        }

        _headings.RemoveAll(heading => heading.Level >= level);
        var section = PostmortemSectionNames.Find(text);
        var actions = section == PostmortemSection.None && ActionItemHeadings.Names(text) ? new ActionSection($"section \"{text}\"", text, line) : null;
        _headings.Add((level, section, actions));
        _label = null;
        NearestHeading = text;
    }

    /// <summary>
    /// A paragraph that opens with a bare <c>**Name:**</c>. A section's name starts that section until the next
    /// heading or label; any other label ("**Example:**", "**Impact:**") ends a section a label started, and the
    /// heading's section applies again.
    /// </summary>
    public void Label(string name, int line)
    {
        var section = PostmortemSectionNames.Find(name);
        _label = section == PostmortemSection.None ? null : section;
        Close(_actionLabel);
        _actionLabel = ActionItemHeadings.Names(name) ? new ActionSection($"label \"{name}:\"", name, line) : null;
    }

    /// <summary>A list item that is only a label naming action items (<c>* **Action Items:**</c>): its sub-list holds them.</summary>
    public void BeginActionList(string name, int line) => _actionLists.Add(new ActionSection($"list item \"{name}:\"", name, line));

    public void EndActionList()
    {
        Close(_actionLists[^1]);
        _actionLists.RemoveAt(_actionLists.Count - 1);
    }

    public void Warn(string warning) => _warnings.Add(warning);

    /// <summary>
    /// A metadata field (first occurrence wins: the template's later "Postmortem Meeting Details" <c>**Date:**</c>
    /// must not replace the summary table's), or a section given inline (<c>- **What went well**: …</c>).
    /// Other fields are not part of the model and are dropped.
    /// </summary>
    public void Field(MarkdownField field)
    {
        if (field.Value.Length == 0)
        {
            return;
        }

        if (MetadataName(field.Name) is { } name)
        {
            _metadata.TryAdd(name, field.Value);
            return;
        }

        var section = PostmortemSectionNames.Find(field.Name);
        if (section != PostmortemSection.None)
        {
            Add(section, field.Value);
        }
    }

    /// <summary>A paragraph of prose: kept when the walk is in the summary or the root cause.</summary>
    public void Prose(string text)
    {
        if (PostmortemSectionNames.IsProse(Section))
        {
            Add(Section, text);
        }
    }

    /// <summary>A list item: kept in whichever section the walk is in.</summary>
    public void ListItem(string text)
    {
        if (Section != PostmortemSection.None)
        {
            Add(Section, text);
        }
    }

    /// <summary>Tables are numbered in document order, counting every table, so an author can count to one.</summary>
    public int NextTable() => ++_tables;

    public void TimelineEntry(PostmortemTimelineEntry entry) => _timeline.Add(entry);

    public void ActionItemTable() => _sawActionItemTable = true;

    public void ActionItem(ActionItemInput item)
    {
        _actionItems.Add(item);
        foreach (var section in _headings.Select(heading => heading.Actions).Append(_actionLabel).Concat(_actionLists).OfType<ActionSection>())
        {
            section.Items++;
        }
    }

    /// <summary>Null when the Markdown has neither a title nor action items (a table, or a list under their heading): it is not a postmortem.</summary>
    public PostmortemDocument? Build()
    {
        Close(_actionLabel);
        _actionLabel = null;
        foreach (var heading in Enumerable.Reverse(_headings))
        {
            Close(heading.Actions);
        }

        _headings.Clear();
        if (_title is null && !_sawActionItemTable && _actionItems.Count == 0)
        {
            return null;
        }

        return new PostmortemDocument
        {
            Title = _title,
            IncidentId = _metadata.GetValueOrDefault("incident id"),
            Date = _metadata.GetValueOrDefault("date"),
            Severity = _metadata.GetValueOrDefault("severity"),
            Status = _metadata.GetValueOrDefault("status"),
            Summary = ProseOf(PostmortemSection.Summary),
            Timeline = _timeline.Count == 0 ? null : _timeline,
            RootCause = ProseOf(PostmortemSection.RootCause),
            ContributingFactors = ItemsOf(PostmortemSection.ContributingFactors),
            WhatWentWell = ItemsOf(PostmortemSection.WhatWentWell),
            WhatWentPoorly = ItemsOf(PostmortemSection.WhatWentPoorly),
            LuckyBreaks = ItemsOf(PostmortemSection.LuckyBreaks),
            ActionItems = _actionItems,
        };
    }

    private void Close(ActionSection? section)
    {
        if (section is { Items: 0 })
        {
            _warnings.Add(
                $"{section.Where} (line {section.Line}) yields no action items: write them as a table with Action and Owner columns, " +
                "or as a list (\"- Add disk alerts — Owner: @dave, Due: 1 week\").");
        }
    }

    private static string? MetadataName(string name) => MarkdownText.Key(name) switch
    {
        "date" => "date",
        "severity" => "severity",
        "status" => "status",
        "incident id" or "incident" => "incident id",
        _ => null,
    };

    private void Add(PostmortemSection section, string text)
    {
        if (text.Length == 0 || MarkdownText.IsPlaceholder(text))
        {
            return;
        }

        if (!_sections.TryGetValue(section, out var texts))
        {
            texts = [];
            _sections.Add(section, texts);
        }

        texts.Add(text);
    }

    private string? ProseOf(PostmortemSection section) =>
        _sections.TryGetValue(section, out var paragraphs) ? string.Join("\n\n", paragraphs) : null;

    private List<string>? ItemsOf(PostmortemSection section) =>
        _sections.TryGetValue(section, out var items) ? items : null;

    [GeneratedRegex(@"^\s*(incident\s+)?post[- ]?mortem\s*:", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TitlePrefix();

    /// <summary>A heading or label naming action items, and how many it has yielded so far.</summary>
    private sealed class ActionSection(string where, string name, int line)
    {
        public string Where => where;

        public string Name => name;

        public int Line => line;

        public int Items { get; set; }
    }
}
