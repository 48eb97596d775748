namespace IncidentBridge.Bench;

/// <summary>What one wrk run measured (the JSON line bench/wrk/summary.lua prints); latencies in microseconds.</summary>
internal sealed record WrkResult(
    long Requests,
    long DurationUs,
    long Bytes,
    long P50Us,
    long P90Us,
    long P99Us,
    long MaxUs,
    double MeanUs,
    long ConnectErrors,
    long ReadErrors,
    long WriteErrors,
    long StatusErrors,
    long Timeouts)
{
    public double Seconds => DurationUs / 1e6;

    public double RequestsPerSecond => Requests / Seconds;

    /// <summary>Socket errors, timeouts and answers &gt;= 400.</summary>
    public long Errors => ConnectErrors + ReadErrors + WriteErrors + StatusErrors + Timeouts;

    public double P50Ms => P50Us / 1000.0;

    public double P90Ms => P90Us / 1000.0;

    public double P99Ms => P99Us / 1000.0;

    public double MaxMs => MaxUs / 1000.0;
}
