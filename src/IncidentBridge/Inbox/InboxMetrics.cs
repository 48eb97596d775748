using Prometheus;

namespace IncidentBridge.Inbox;

internal sealed class InboxMetrics
{
    private readonly Counter _processed;
    private readonly Histogram _lag;
    private readonly Histogram _commitBatch;
    private readonly Histogram _processTransaction;
    private readonly Gauge _waitingForCommit;

    public InboxMetrics(MetricsRegistry metrics, InboxStore store, TimeProvider time)
    {
        var factory = metrics.Factory;
        _processed = factory.CreateCounter(
            "incidentbridge_inbox_processed_total", "Processing attempts of stored deliveries, by source and outcome (done, retry, dead; lost: another worker took over the lease; conflict: given up by the database for another replica's transaction and done again; deferred: given back unattempted behind an earlier delivery of its shard that failed).", ["source", "outcome"]);
        _lag = factory.CreateHistogram(
            "incidentbridge_inbox_processing_lag_seconds", "Time from a delivery's commit to its processing.",
            new HistogramConfiguration { LabelNames = ["source"], Buckets = Histogram.ExponentialBuckets(0.001, 2, 18) });
        _commitBatch = factory.CreateHistogram(
            "incidentbridge_inbox_commit_batch_size", "Deliveries committed together by one ingest transaction (group commit).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 10) });
        _processTransaction = factory.CreateHistogram(
            "incidentbridge_inbox_process_transaction_size", "Deliveries processed together by one processing transaction (it commits early, after Inbox:TransactionBudget, when a webhook waits).",
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(1, 2, 8) });
        _waitingForCommit = factory.CreateGauge(
            "incidentbridge_inbox_waiting_for_commit", "Webhook requests whose delivery waits for its commit (queued or being written); each gets its 2xx after the commit.");
        var depth = factory.CreateGauge("incidentbridge_inbox_depth", "Deliveries stored and not yet processed.");
        var dead = factory.CreateGauge("incidentbridge_inbox_dead_letters", "Deliveries parked after failing every attempt.");
        var oldest = factory.CreateGauge("incidentbridge_inbox_oldest_pending_age_seconds", "Age of the oldest unprocessed delivery (0 when the inbox is empty).");

        // Read at scrape time, so the hot path never counts rows.
        metrics.Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            var counts = await store.CountByStateAsync(cancellationToken);
            depth.Set(counts.GetValueOrDefault(DeliveryState.Pending));
            dead.Set(counts.GetValueOrDefault(DeliveryState.Dead));
            var oldestMs = await store.OldestPendingReceivedAtAsync(cancellationToken);
            oldest.Set(oldestMs is { } ms ? Math.Max(0, (time.GetUtcNow().ToUnixTimeMilliseconds() - ms) / 1000.0) : 0);
        });
    }

    /// <summary>Counts a request as waiting for its commit until the returned scope ends.</summary>
    public IDisposable WaitingForCommit() => _waitingForCommit.TrackInProgress();

    public void Committed(int batchSize) => _commitBatch.Observe(batchSize);

    public void ProcessedTogether(int deliveries) => _processTransaction.Observe(deliveries);

    public void Processed(string source, string outcome) => _processed.WithLabels(source, outcome).Inc();

    public void Lag(string source, TimeSpan lag) => _lag.WithLabels(source).Observe(Math.Max(0, lag.TotalSeconds));
}
