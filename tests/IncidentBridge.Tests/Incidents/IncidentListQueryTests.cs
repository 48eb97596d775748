using Dapper;
using IncidentBridge.Incidents;

namespace IncidentBridge.Tests.Incidents;

/// <summary><c>GET /api/incidents</c> filters by an index, not by reading every incident.</summary>
public sealed class IncidentListQueryTests
{
    [Fact]
    public async Task Listing_one_services_incidents_searches_the_service_index()
    {
        await using var worker = new WorkerFactory();
        worker.CreateClient();
        await using var connection = await worker.Service<IDatabase>().OpenAsync(CancellationToken.None);

        var plan = await connection.QueryAsync<(long Id, long Parent, long NotUsed, string Detail)>(
            "EXPLAIN QUERY PLAN " + IncidentStore.ListSql(open: null, service: "checkout", severity: null, beforeSeq: 100),
            new { Service = "checkout", BeforeSeq = 100, Limit = 50 });

        var detail = string.Join("\n", plan.Select(p => p.Detail));
        Assert.Contains("SEARCH incidents USING INDEX ix_incidents_service (service=? AND seq<?)", detail, StringComparison.Ordinal);
    }
}
