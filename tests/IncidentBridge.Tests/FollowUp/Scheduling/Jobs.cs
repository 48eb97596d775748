namespace IncidentBridge.Tests.FollowUp.Scheduling;

/// <summary>
/// The three follow-up jobs as fakes, settings that keep their crons away from the test's few seconds, and a run
/// through the jobs API.
/// </summary>
internal static class Jobs
{
    public const string StatusSync = "status-sync";
    public const string FollowUpReview = "follow-up-review";
    public const string OverdueDigest = "overdue-digest";

    public static FakeFollowUpJob[] Fakes() => [new(StatusSync), new(FollowUpReview), new(OverdueDigest)];

    /// <summary>Crons that fire at most daily, so nothing fires by itself during a test unless the test asks for it.</summary>
    public static Dictionary<string, string?> QuietCrons() => new()
    {
        ["IncidentBridge:Jobs:StatusSync:Cron"] = "0 15 3 * * ?",
        ["IncidentBridge:Jobs:FollowUpReview:Cron"] = "0 0 8 * * ?",
        ["IncidentBridge:Jobs:OverdueDigest:Cron"] = "0 30 6 ? * TUE",
        ["IncidentBridge:Jobs:OverdueDigest:TimeZone"] = "Europe/Berlin",
        ["IncidentBridge:Jobs:OverdueDigest:CatchUpCron"] = "0 45 5 * * ?",
    };

    public static Dictionary<string, string?> With(this Dictionary<string, string?> settings, string key, string? value)
    {
        settings[key] = value;
        return settings;
    }

    /// <summary><c>POST /api/jobs/{job}/run</c>, with <c>?force=</c> when <paramref name="force"/> is given.</summary>
    public static Task<HttpResponseMessage> RunJobAsync(this HttpClient client, string job, string? force = null) =>
        client.PostAsync(force is null ? $"/api/jobs/{job}/run" : $"/api/jobs/{job}/run?force={force}", null);
}
