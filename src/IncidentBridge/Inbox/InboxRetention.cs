using Prometheus;

namespace IncidentBridge.Inbox;

/// <summary>
/// Keeps the inbox from growing for ever: every <see cref="Interval"/> (and once at start), deliveries processed more
/// than <c>Inbox:RetentionDays</c> ago are deleted, <see cref="BatchSize"/> at a time, each batch a short transaction
/// of its own so webhooks waiting for the write turn get it between batches. Dead letters and pending deliveries are
/// kept. Replicas may run it at once: each batch deletes only what is still there. Where the inbox has a file of its
/// own, every <see cref="MarksInterval"/> it also forgets the processed marks of deliveries whose done mark is on disk
/// (<see cref="InboxStore.ForgetProcessedMarksAsync"/>), so that table holds about a minute of processing.
/// </summary>
internal sealed partial class InboxRetention(
    InboxStore store, IOptions<InboxOptions> options, MetricsRegistry metrics, TimeProvider time, ILogger<InboxRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    public static readonly TimeSpan MarksInterval = TimeSpan.FromMinutes(1);
    public const int BatchSize = 500;

    /// <summary>Processed marks gone past per step of <see cref="ForgetProcessedMarksAsync"/>: a storm leaves ~100,000 a minute.</summary>
    public const int MarksBatchSize = 5000;

    private readonly Counter _deleted = metrics.Factory.CreateCounter(
        "incidentbridge_inbox_deliveries_deleted_total", "Processed deliveries deleted after Inbox:RetentionDays.");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var expiryDue = time.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (time.GetUtcNow() >= expiryDue)
                {
                    expiryDue = time.GetUtcNow() + Interval;
                    await DeleteExpiredAsync(stoppingToken);
                }

                await ForgetProcessedMarksAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogFailed(ex);
            }

            try
            {
                await Task.Delay(MarksInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    /// <summary>Deletes every delivery processed before the retention cutoff, batch by batch; returns how many.</summary>
    public async Task<long> DeleteExpiredAsync(CancellationToken cancellationToken)
    {
        var cutoff = time.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays);
        long total = 0;
        int deleted;
        do
        {
            deleted = await store.DeleteProcessedBeforeAsync(cutoff.ToUnixTimeMilliseconds(), BatchSize, cancellationToken);
            total += deleted;
            _deleted.Inc(deleted);
        }
        while (deleted == BatchSize);

        if (total > 0)
        {
            LogDeleted(total, options.Value.RetentionDays, cutoff);
        }

        return total;
    }

    /// <summary>Forgets the processed marks older than <see cref="MarksInterval"/> that are no longer needed; returns how many.</summary>
    public async Task<long> ForgetProcessedMarksAsync(CancellationToken cancellationToken)
    {
        var before = (time.GetUtcNow() - MarksInterval).ToUnixTimeMilliseconds();
        long total = 0;
        string? after = null;
        int examined;
        do
        {
            (examined, var forgotten, after) = await store.ForgetProcessedMarksAsync(before, after, MarksBatchSize, cancellationToken);
            total += forgotten;
        }
        while (examined == MarksBatchSize);

        return total;
    }

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Deleted {Count} deliveries processed more than {RetentionDays} days ago (before {Cutoff:O})")]
    private partial void LogDeleted(long count, int retentionDays, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Warning, Message = "Deleting old deliveries or processed marks failed; trying again in a minute")]
    private partial void LogFailed(Exception ex);
}
