using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace IncidentBridge.Bench;

/// <summary>
/// Fills the store through the real path: Alertmanager notifications posted to the webhook, 32 at a time, each
/// opening an incident with 10 open alerts; then waits for the inbox to process them all.
/// </summary>
internal static class Seeder
{
    private const int Concurrency = 32;

    public static async Task<SeedResult> SeedAsync(WorkerProcess worker, string token, int run, int notifications, IngestBench ingest, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Console.WriteLine($"[bench] seeding {notifications} notifications ({notifications * 10} open alerts)");
        var started = Stopwatch.GetTimestamp();
        var refused = 0;
        await Parallel.ForEachAsync(Enumerable.Range(1, notifications), new ParallelOptions { MaxDegreeOfParallelism = Concurrency, CancellationToken = cancellationToken }, async (n, ct) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/alertmanager")
            {
                Content = new StringContent(AlertmanagerPayloads.Notification(run, n), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await worker.Http.SendAsync(request, ct);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                Interlocked.Increment(ref refused);
            }
        });
        var posted = Stopwatch.GetElapsedTime(started);
        var drained = await ingest.WaitForEmptyInboxAsync(timeout, cancellationToken);
        return new SeedResult(notifications, refused, posted, drained ? Stopwatch.GetElapsedTime(started) : null);
    }
}

/// <summary>How the seeding went: posted, refused, time to post them all and time until all were processed.</summary>
internal sealed record SeedResult(int Notifications, int Refused, TimeSpan Posted, TimeSpan? Processed);
