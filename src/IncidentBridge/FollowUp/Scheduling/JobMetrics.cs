using Prometheus;

namespace IncidentBridge.FollowUp.Scheduling;

internal sealed class JobMetrics(MetricsRegistry metrics)
{
    private readonly Counter _runs = metrics.Factory.CreateCounter(
        "incidentbridge_job_runs_total", "Follow-up job runs, scheduled and manual, by job and outcome (succeeded, problems, failed, cancelled).", ["job", "outcome"]);

    private readonly Histogram _duration = metrics.Factory.CreateHistogram(
        "incidentbridge_job_duration_seconds", "Duration of follow-up job runs, whatever their outcome.",
        new HistogramConfiguration { LabelNames = ["job"], Buckets = Histogram.ExponentialBuckets(0.01, 2, 16) });

    public void Ran(string job, string outcome, TimeSpan duration)
    {
        _runs.WithLabels(job, outcome).Inc();
        _duration.WithLabels(job).Observe(Math.Max(0, duration.TotalSeconds));
    }
}
