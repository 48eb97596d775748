namespace IncidentBridge.Api;

/// <summary>
/// The <c>limit</c> and <c>cursor</c> of the lists the API pages by keyset (incidents, their alerts and timelines,
/// action items, deliveries), checked alike: a limit out of range or a cursor this API did not give out is a 400 naming it.
/// Each list keeps its own cursor format, which <see cref="Check"/> is handed as a reader.
/// </summary>
internal static class Paging
{
    /// <summary>The most items a page may hold, whatever the list.</summary>
    public const int MaxLimit = 500;

    /// <summary>
    /// Null when <paramref name="limit"/> is in range and <paramref name="cursor"/> reads; <paramref name="after"/> is
    /// then the cursor's key, or null on the first page (no cursor). Otherwise the problem to answer.
    /// </summary>
    public static ProblemHttpResult? Check<TKey>(int? limit, string? cursor, QueryReader<TKey> read, out TKey? after)
        where TKey : struct
    {
        after = null;
        if (limit is < 1 or > MaxLimit)
        {
            return Problems.InvalidField("limit", $"limit must be between 1 and {MaxLimit}.");
        }

        if (cursor is null)
        {
            return null;
        }

        if (!read(cursor, out var key))
        {
            return Problems.InvalidField("cursor", "cursor is not one this API gave out.");
        }

        after = key;
        return null;
    }

    /// <summary>The cursor of the lists paged by a row's <c>seq</c>: its decimal digits, nothing else.</summary>
    public static bool ReadSeq(string cursor, out long seq) =>
        long.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out seq);

    /// <summary>What <see cref="ReadSeq"/> reads.</summary>
    public static string WriteSeq(long seq) => seq.ToString(CultureInfo.InvariantCulture);

    /// <summary>The cursor of the page after <paramref name="rows"/>, a page of <paramref name="take"/>: the last row's when the page is full, else null (the last page).</summary>
    public static string? Next<TRow>(IReadOnlyList<TRow> rows, int take, Func<TRow, string> cursorOf) =>
        rows.Count == take ? cursorOf(rows[^1]) : null;
}

/// <summary>Reads a query parameter's text (a cursor, a severity, a flag) as the <c>TryParse</c> methods do.</summary>
internal delegate bool QueryReader<T>(string text, out T value);
