namespace IncidentBridge.Tests.Support;

/// <summary>
/// The test classes that run on the one <see cref="PostgresServer"/> of this test run: started before the first of
/// them, stopped after the last. Each of their workers has a database of its own on it.
/// </summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServer>
{
    public const string Name = "PostgreSQL server";
}
