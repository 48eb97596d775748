namespace IncidentBridge.FollowUp;

/// <summary>
/// How the follow-ups stand: open, overdue and done action items overall and by team (the incident's <c>team</c>
/// label), owner and priority; the age of open items; and the week-4 completion rate — of the items whose
/// postmortem was published at least 28 days ago, the share done within 28 days of publication.
/// </summary>
internal sealed record FollowUpFigures(
    FollowUpCounts Total,
    IReadOnlyDictionary<string, FollowUpCounts> ByTeam,
    IReadOnlyDictionary<string, FollowUpCounts> ByOwner,
    IReadOnlyDictionary<string, FollowUpCounts> ByPriority,
    IReadOnlyDictionary<string, int> OpenByAgeDays,
    double? CompletionRateAtWeek4)
{
    public const string NoTeam = "none";

    /// <summary>Age buckets of open items, in days since the item was taken in.</summary>
    public static readonly (string Name, int UpToDays)[] AgeBuckets = [("0-7", 7), ("8-28", 28), ("29-90", 90), ("91+", int.MaxValue)];

    private static readonly TimeSpan Week4 = TimeSpan.FromDays(28);

    public static FollowUpFigures Compute(IReadOnlyList<FollowUpRow> rows, DateTimeOffset now)
    {
        var items = Classify(rows, now);
        IReadOnlyDictionary<string, FollowUpCounts> By(Func<(FollowUpRow Row, string Team, bool Done, bool Overdue), string> key) =>
            items.GroupBy(key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => Count(g), StringComparer.Ordinal);

        var ages = AgeBuckets.ToDictionary(b => b.Name, _ => 0, StringComparer.Ordinal);
        foreach (var item in items.Where(i => !i.Done))
        {
            var days = (now - DateTimeOffset.FromUnixTimeMilliseconds(item.Row.CreatedAt)).TotalDays;
            ages[AgeBuckets.First(b => days <= b.UpToDays).Name]++;
        }

        var reviewable = items.Where(i => i.Row.PublishedAt is { } published && now - DateTimeOffset.FromUnixTimeMilliseconds(published) >= Week4).ToList();
        var doneByWeek4 = reviewable.Count(i => i.Row.DoneAt is { } done && i.Row.PublishedAt is { } published && done - published <= (long)Week4.TotalMilliseconds);
        return new FollowUpFigures(
            Count(items),
            By(i => i.Team),
            By(i => i.Row.Owner),
            By(i => i.Row.Priority),
            ages,
            reviewable.Count == 0 ? null : (double)doneByWeek4 / reviewable.Count);
    }

    private static List<(FollowUpRow Row, string Team, bool Done, bool Overdue)> Classify(IReadOnlyList<FollowUpRow> rows, DateTimeOffset now)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        // An item nobody will do (not-doing) is neither open nor done: it is left out of every figure and of the completion rate.
        return rows.Where(r => r.Status != ActionItemStatus.NotDoing).Select(r => (Row: r, Team: TeamOf(r.IncidentLabels), Done: r.Status == ActionItemStatus.Done,
            Overdue: r.Status != ActionItemStatus.Done && r.DueDate is { } due && string.CompareOrdinal(due, today) < 0)).ToList();
    }

    private static FollowUpCounts Count(IEnumerable<(FollowUpRow Row, string Team, bool Done, bool Overdue)> items)
    {
        var list = items.ToList();
        return new FollowUpCounts(list.Count(i => !i.Done), list.Count(i => i.Overdue), list.Count(i => i.Done));
    }

    private static string TeamOf(string labels) =>
        JsonSerializer.Deserialize(labels, RecordJsonContext.Default.DictionaryStringString) is { } map && map.TryGetValue("team", out var team) && !string.IsNullOrEmpty(team)
            ? team
            : NoTeam;
}

/// <summary>Open (not done, overdue included), overdue, and done action items.</summary>
internal sealed record FollowUpCounts(int Open, int Overdue, int Done);

/// <summary>One action item as the follow-up figures see it (times in Unix milliseconds, due date yyyy-MM-dd).</summary>
internal sealed record FollowUpRow(
    string Owner,
    string Priority,
    string Status,
    string? DueDate,
    string IncidentLabels,
    long CreatedAt,
    long? DoneAt,
    long? PublishedAt);
