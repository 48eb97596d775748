namespace IncidentBridge.Storage;

/// <summary>
/// A WHERE clause of only the filters a request gave. The catch-all form <c>(@X IS NULL OR x = @X)</c> is compiled
/// before the values are known, so neither SQLite nor PostgreSQL can pick the index of the one filter that is set.
/// </summary>
internal sealed class SqlFilter
{
    private readonly List<string> _conditions = [];

    /// <summary>Adds <paramref name="condition"/> (SQL over named parameters) when <paramref name="given"/>.</summary>
    public SqlFilter And(bool given, string condition)
    {
        if (given)
        {
            _conditions.Add(condition);
        }

        return this;
    }

    public SqlFilter And(string condition) => And(true, condition);

    /// <summary><c>WHERE a AND b</c>, or nothing when no filter was given.</summary>
    public override string ToString() =>
        _conditions.Count == 0 ? "" : new StringBuilder("WHERE ").AppendJoin(" AND ", _conditions).ToString();
}
