using System.Data.Common;

namespace IncidentBridge.Storage;

/// <summary>
/// The one way into storage: an open, configured connection. Stores write plain SQL that
/// both providers understand; the provider owns connection setup and the migration scripts.
/// </summary>
internal interface IDatabase
{
    StorageProvider Provider { get; }

    /// <summary>Creates the database if needed and applies pending migrations.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);
}
