using System.Reflection;

namespace IncidentBridge.Storage;

/// <summary>
/// Numbered, append-only SQL scripts embedded per provider and database (<c>Storage/{Provider}/{Set}/NNNN_name.sql</c>),
/// applied in order, each in its own transaction together with its row in the database's <c>schema_migrations</c>.
/// </summary>
internal static class Migrations
{
    /// <summary>The main database's scripts (on PostgreSQL the only database).</summary>
    public const string Main = "Migrations";

    /// <summary>SQLite's inbox file's scripts (<see cref="InboxDatabase"/>).</summary>
    public const string Inbox = "InboxMigrations";

    public static IReadOnlyList<Migration> For(StorageProvider provider, string set = Main)
    {
        var assembly = typeof(Migrations).Assembly;
        var prefix = $"{assembly.GetName().Name}.Storage.{provider}.{set}.";
        return assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(prefix, StringComparison.Ordinal) && name.EndsWith(".sql", StringComparison.Ordinal))
            .Select(name => Load(assembly, name, name[prefix.Length..^4]))
            .OrderBy(m => m.Version)
            .ToList();
    }

    public static async Task<int> ApplyAsync(DbConnection connection, IReadOnlyList<Migration> migrations, long nowMs, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)",
            cancellationToken: cancellationToken));
        var applied = (await connection.QueryAsync<int>(new CommandDefinition(
            "SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();

        var count = 0;
        foreach (var migration in migrations.Where(m => !applied.Contains(m.Version)))
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await connection.ExecuteAsync(new CommandDefinition(migration.Sql, transaction: transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@Version, @Name, @NowMs)",
                new { migration.Version, migration.Name, NowMs = nowMs }, transaction, cancellationToken: cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            count++;
        }

        return count;
    }

    private static Migration Load(Assembly assembly, string resource, string fileName)
    {
        // Resource names keep the file name: "0001_inbox" -> version 1, name "inbox".
        var separator = fileName.IndexOf('_', StringComparison.Ordinal);
        var digits = separator > 0 ? fileName[..separator] : fileName;
        if (!int.TryParse(digits.TrimStart('_'), out var version))
        {
            throw new InvalidOperationException($"Migration resource '{resource}' does not start with a version number.");
        }

        using var stream = assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"Migration resource '{resource}' is missing.");
        using var reader = new StreamReader(stream);
        return new Migration(version, separator > 0 ? fileName[(separator + 1)..] : fileName, reader.ReadToEnd());
    }
}

internal sealed record Migration(int Version, string Name, string Sql);
