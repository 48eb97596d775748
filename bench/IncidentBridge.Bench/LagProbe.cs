using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace IncidentBridge.Bench;

/// <summary>
/// Measures the lag from a webhook's 202 to its alert being in an incident, the way a user would see it: every
/// 200 ms it posts one probe alert (which opens an incident of its own), and one poller lists the newest probe
/// incidents (<c>GET /api/incidents?service=bench-probe</c>) every 25 ms. Lag = first seen − 202, so it is exact
/// to about the poll interval plus one API call.
/// </summary>
internal sealed class LagProbe : IAsyncDisposable
{
    private static readonly TimeSpan PostInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(25);
    private readonly WorkerProcess _worker;
    private readonly string _token;
    private readonly int _run;
    private readonly ConcurrentDictionary<string, (string Phase, long AcceptedTicks, DateTimeOffset AcceptedAt, double PostMs)> _outstanding = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<ProbeResult> _results = [];
    private readonly CancellationTokenSource _stopPosting = new();
    private readonly CancellationTokenSource _stopPolling = new();
    private readonly Task _posting;
    private readonly Task _polling;
    private volatile string _phase = "during";
    private int _posted;

    public LagProbe(WorkerProcess worker, string alertmanagerToken, int run)
    {
        _worker = worker;
        _token = alertmanagerToken;
        _run = run;
        _posting = Task.Run(() => PostLoopAsync(_stopPosting.Token));
        _polling = Task.Run(() => PollLoopAsync(_stopPolling.Token));
    }

    public string Phase
    {
        get => _phase;
        set => _phase = value;
    }

    /// <summary>Stops posting, waits up to <paramref name="timeout"/> for the probes still in flight, and returns every result.</summary>
    public async Task<IReadOnlyList<ProbeResult>> FinishAsync(TimeSpan timeout)
    {
        await _stopPosting.CancelAsync();
        await _posting.ContinueWith(_ => { }, TaskScheduler.Default);
        var deadline = DateTime.UtcNow + timeout;
        while (!_outstanding.IsEmpty && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        await _stopPolling.CancelAsync();
        await _polling.ContinueWith(_ => { }, TaskScheduler.Default);
        foreach (var (_, probe) in _outstanding)
        {
            _results.Add(new ProbeResult(probe.Phase, probe.AcceptedAt, probe.PostMs, null));
        }

        _outstanding.Clear();
        return [.. _results.OrderBy(r => r.AcceptedAt)];
    }

    public async ValueTask DisposeAsync()
    {
        await FinishAsync(TimeSpan.Zero);
        _stopPosting.Dispose();
        _stopPolling.Dispose();
    }

    private async Task PostLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PostInterval);
        var inFlight = new List<Task>();
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                // Each probe posts on its own, so a slow answer under load does not delay the next probe.
                inFlight.Add(PostOneAsync(Interlocked.Increment(ref _posted), _phase));
                inFlight.RemoveAll(t => t.IsCompleted);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        await Task.WhenAll(inFlight);
    }

    private async Task PostOneAsync(int number, string phase)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/alertmanager")
        {
            Content = new StringContent(AlertmanagerPayloads.Probe(_run, number), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        var sent = Stopwatch.GetTimestamp();
        try
        {
            using var response = await _worker.Http.SendAsync(request);
            var accepted = Stopwatch.GetTimestamp();
            var postMs = Stopwatch.GetElapsedTime(sent, accepted).TotalMilliseconds;
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                _outstanding[AlertmanagerPayloads.ProbeTitle(_run, number)] = (phase, accepted, DateTimeOffset.UtcNow, postMs);
            }
            else
            {
                _results.Add(new ProbeResult(phase, DateTimeOffset.UtcNow, postMs, null, (int)response.StatusCode));
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            _results.Add(new ProbeResult(phase, DateTimeOffset.UtcNow, Stopwatch.GetElapsedTime(sent).TotalMilliseconds, null, Status: 0));
        }
    }

    private async Task PollLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(PollInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (_outstanding.IsEmpty)
                {
                    continue;
                }

                try
                {
                    // The inbox is first in, first out: the probes still awaited are among the newest probe incidents.
                    var limit = Math.Min(500, _outstanding.Count + 20);
                    await using var stream = await _worker.Api.GetStreamAsync($"/api/incidents?service=bench-probe&limit={limit}", cancellationToken);
                    var seen = Stopwatch.GetTimestamp();
                    using var page = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken);
                    foreach (var item in page.RootElement.GetProperty("items").EnumerateArray())
                    {
                        if (item.GetProperty("title").GetString() is { } title && _outstanding.TryRemove(title, out var probe))
                        {
                            _results.Add(new ProbeResult(probe.Phase, probe.AcceptedAt, probe.PostMs, Stopwatch.GetElapsedTime(probe.AcceptedTicks, seen).TotalMilliseconds));
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // Try again at the next tick.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
    }
}
