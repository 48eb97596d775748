namespace IncidentBridge.Bench;

/// <summary>
/// One probe alert: when its answer came, how long the POST took, and how long from its 202 until its incident was
/// visible (null when it never was, or when the answer was not a 202: <see cref="Status"/>, 0 for no answer).
/// </summary>
internal sealed record ProbeResult(string Phase, DateTimeOffset AcceptedAt, double PostMs, double? LagMs, int Status = 202)
{
    public bool Refused => Status != 202;
}
