using System.Collections.Concurrent;
using System.Security.Cryptography;
using Xunit.Abstractions;

namespace IncidentBridge.Tests.Api;

/// <summary>
/// 10,500 seeded mutations of valid bodies and headers, sent to every endpoint that takes a body from outside: the five
/// webhooks, signed or authorised after mutation so the parsers are reached, and the postmortem API in JSON and
/// Markdown. Nothing a sender can send may make the worker answer 5xx or fall over. A new endpoint is one line of
/// <see cref="Targets"/>. A failure lists each case's seed number, endpoint and mutations: <see cref="Case"/> rebuilds it.
/// </summary>
public sealed class HostileInputCorpusTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int CasesPerTarget = 1_500;
    private const int Seed = 20261123;
    private const int Parallel = 6;
    private const string IncidentPlaceholder = "{incident}";

    private static readonly DateTimeOffset T0 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private static readonly HostileTarget[] Targets =
    [
        new("alertmanager", "/webhooks/alertmanager", "application/json", Json(AlertmanagerSeeds), Bearer(WorkerFactory.AlertmanagerToken)),
        new("grafana", "/webhooks/grafana", "application/json", Json(GrafanaSeeds), Bearer(WorkerFactory.GrafanaToken)),
        new("pagerduty", "/webhooks/pagerduty", "application/json", Json(PagerDutySeeds), Signed("X-PagerDuty-Signature", "v1=", WorkerFactory.PagerDutySecret, "X-Webhook-Id")),
        new("jira", "/webhooks/jira", "application/json", Json(JiraSeeds), Signed("X-Hub-Signature", "sha256=", TrackerWebhooks.JiraSecret, "X-Atlassian-Webhook-Identifier")),
        new("github", "/webhooks/github", "application/json", Json(GitHubSeeds), GitHubSigned),
        new("postmortem-json", $"/api/incidents/{IncidentPlaceholder}/postmortem", "application/json", Json(PostmortemSeeds), Bearer(WorkerFactory.ApiToken)),
        new("postmortem-markdown", $"/api/incidents/{IncidentPlaceholder}/postmortem", "text/markdown", Markdown(MarkdownSeeds), Bearer(WorkerFactory.ApiToken)),
    ];

    private static readonly string?[] OddContentTypes =
    [
        null, "text/plain", "application/json; charset=utf-16", "application/json; charset=\"", "application/json;;;", "*/*", "application/problem+json",
        "APPLICATION/JSON", "application/json; charset=utf-8; boundary=x", "text/markdown", "application/json", "multipart/form-data; boundary=----x",
        "application/x-www-form-urlencoded", "text/x-markdown; charset=latin1", "}{", new string('x', 2000) + "/json",
    ];

    private static readonly (string Name, string Value)[] OddHeaders =
    [
        ("Content-Encoding", "gzip"), ("Content-Encoding", "br, identity"), ("Accept", "application/xml"), ("Expect", "100-continue"),
        ("X-Webhook-Id", ""), ("X-Webhook-Id", new string('w', 10_000)), ("X-Forwarded-For", "not-an-ip, ::::"), ("X-Padding", new string('p', 16_000)),
        ("X-GitHub-Delivery", ""), ("X-Atlassian-Webhook-Identifier", new string('9', 5000)), ("User-Agent", ""), ("Accept-Charset", "utf-7"),
        ("Content-Language", "xx-\u00e9"), ("X-Request-Id", "\u00ff\u00fe"),
    ];

    private static readonly string[] GitHubEvents = ["issues", "issues", "issues", "issues", "ping", "push", "", "ISSUES", "issues,issues", "issue_comment", new string('e', 3000)];

    private readonly WorkerFactory _worker = new(new Dictionary<string, string?>(TrackerWebhooks.Settings())
    {
        // Durability is not what this test is about; fsyncs of thousands of accepted bodies would only slow it.
        ["IncidentBridge:Storage:Synchronous"] = "Normal",
        // The postmortems make action items without a route: let them wait quietly instead of retrying all along.
        ["IncidentBridge:ActionItems:PollInterval"] = "01:00:00",
        ["IncidentBridge:ActionItems:RetryDelay"] = "01:00:00",
        ["IncidentBridge:ActionItems:MaxRetryDelay"] = "01:00:00",
        // Thousands of 400s and refused deliveries are the point here; the log would only bury a 5xx's error line.
        ["Serilog:MinimumLevel:Default"] = "Error",
    });

    private string _incident = "";

    public async Task InitializeAsync()
    {
        var incidents = new IncidentsClient(_worker);
        await incidents.AlertsAsync("{}:{alertname=\"Corpus\"}", TestAlert.Firing("corpus-1", T0));
        _incident = (await incidents.SingleAsync()).GetProperty("id").GetString() ?? "";
    }

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Ten_thousand_hostile_requests_get_no_5xx_and_leave_the_worker_healthy()
    {
        var client = _worker.CreateClient();
        var answers = new ConcurrentBag<Answer>();
        var cases = Enumerable.Range(0, CasesPerTarget * Targets.Length);
        var stopwatch = System.Diagnostics.Stopwatch.StartNew();

        await System.Threading.Tasks.Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = Parallel }, async (number, cancellationToken) =>
        {
            var started = System.Diagnostics.Stopwatch.StartNew();
            var (target, request, description) = Case(number, _incident);
            using var response = await client.SendAsync(request, cancellationToken);
            answers.Add(new Answer(number, target.Name, description.Authentic, (int)response.StatusCode, description.Text, request.Content?.Headers.ContentLength ?? 0, started.Elapsed));
        });

        output.WriteLine($"{answers.Count} cases in {stopwatch.Elapsed.TotalSeconds:0.0} s");
        Report(answers);
        var failures = answers.Where(a => a.Status >= 500).OrderBy(a => a.Case).ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} hostile requests got 5xx:\n" + string.Join('\n', failures.Take(30).Select(f => f.ToString())));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.All(Targets, target => AssertReachedTheParser(target, answers));
    }

    /// <summary>
    /// Case <paramref name="number"/> of the corpus: its endpoint (round robin over <see cref="Targets"/>) and request,
    /// drawn from a <see cref="Random"/> seeded with the case number alone.
    /// </summary>
    private static (HostileTarget Target, HttpRequestMessage Request, CaseDescription Description) Case(int number, string incident)
    {
        var target = Targets[number % Targets.Length];
        var random = new Random(unchecked((Seed * 7919) + number));
        var seeds = target.Seeds.Value;
        var mutated = target.Mutate(HostileInput.Pick(random, seeds), random);
        var notes = new List<string> { mutated.Description };

        var path = target.Path.Replace(IncidentPlaceholder, incident, StringComparison.Ordinal);
        if (random.Next(30) == 0)
        {
            path += "?x=%00&limit=-1";
            notes.Add("query");
        }

        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(mutated.Body) };
        var contentType = random.Next(5) == 0 ? HostileInput.Pick(random, OddContentTypes) : target.ContentType;
        if (contentType is not null)
        {
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        if (contentType != target.ContentType)
        {
            notes.Add($"content-type:{contentType?[..Math.Min(contentType.Length, 40)] ?? "none"}");
        }

        for (var n = random.Next(4) == 0 ? random.Next(1, 4) : 0; n > 0; n--)
        {
            var (name, value) = HostileInput.Pick(random, OddHeaders);
            var headers = name.StartsWith("Content-", StringComparison.Ordinal) ? (HttpHeaders)request.Content.Headers : request.Headers;
            headers.Remove(name);
            headers.TryAddWithoutValidation(name, value);
            notes.Add($"header:{name}");
        }

        // One in twenty is not authentic (no credentials, or signed with another secret): those stop at 401.
        var authentic = random.Next(20) != 0;
        target.Authenticate(request, mutated.Body, authentic, random, notes);
        return (target, request, new CaseDescription(string.Join(' ', notes), authentic));
    }

    private static void AssertReachedTheParser(HostileTarget target, IEnumerable<Answer> answers)
    {
        var authentic = answers.Where(a => a.Target == target.Name && a.Authentic).ToList();
        Assert.Contains(authentic, a => a.Status == 400);
        Assert.Contains(authentic, a => a.Status is >= 200 and < 300);
        Assert.DoesNotContain(authentic, a => a.Status is 401 or 403);
    }

    private void Report(IEnumerable<Answer> answers)
    {
        foreach (var byTarget in answers.GroupBy(a => a.Target).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var statuses = byTarget.GroupBy(a => a.Status).OrderBy(g => g.Key).Select(g => $"{g.Key}×{g.Count()}");
            output.WriteLine($"{byTarget.Key,-20} {byTarget.Sum(a => a.Took.TotalSeconds),6:0.0} s {string.Join(' ', statuses)}");
        }

        foreach (var slow in answers.OrderByDescending(a => a.Took).Take(10))
        {
            output.WriteLine($"slowest: {slow.Took.TotalMilliseconds:0} ms, {slow.Bytes} bytes, {slow}");
        }
    }

    private static Lazy<IReadOnlyList<byte[]>> Json(Func<IEnumerable<string>> seeds) =>
        new(() => [.. seeds().Select(Encoding.UTF8.GetBytes)]);

    private static Lazy<IReadOnlyList<byte[]>> Markdown(Func<IEnumerable<string>> seeds) => Json(seeds);

    private static HostileTarget.Authenticator Bearer(string token) => (request, _, authentic, _, _) =>
        request.Headers.Authorization = authentic ? new AuthenticationHeaderValue("Bearer", token) : null;

    private static HostileTarget.Authenticator Signed(string header, string prefix, string secret, string idHeader) => (request, body, authentic, random, _) =>
    {
        request.Headers.Remove(header);
        request.Headers.TryAddWithoutValidation(header, prefix + Hmac(authentic ? secret : "not-the-secret", body));
        if (!request.Headers.Contains(idHeader))
        {
            // Unique, so that no case is answered as the duplicate of another.
            request.Headers.TryAddWithoutValidation(idHeader, Guid.NewGuid().ToString());
        }
    };

    private static void GitHubSigned(HttpRequestMessage request, byte[] body, bool authentic, Random random, List<string> notes)
    {
        Signed("X-Hub-Signature-256", "sha256=", TrackerWebhooks.GitHubSecret, "X-GitHub-Delivery")(request, body, authentic, random, notes);
        var gitHubEvent = random.Next(5) == 0 ? HostileInput.Pick(random, GitHubEvents) : "issues";
        request.Headers.TryAddWithoutValidation("X-GitHub-Event", gitHubEvent);
        if (gitHubEvent != "issues")
        {
            notes.Add($"event:{gitHubEvent[..Math.Min(gitHubEvent.Length, 20)]}");
        }
    }

    private static string Hmac(string secret, byte[] body) => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    private static IEnumerable<string> AlertmanagerSeeds()
    {
        yield return WithFixedFingerprints(AlertmanagerWebhook.Firing("checkout").WithAlerts(3).ToJson());
        yield return WithFixedFingerprints(AlertmanagerWebhook.Resolved("payments").ToJson());
        yield return TestAlert.Notification("{}:{alertname=\"DiskFull\"}", TestAlert.Firing("a1", T0), TestAlert.Firing("a2", T0).Resolved(T0.AddMinutes(5)));
    }

    private static IEnumerable<string> GrafanaSeeds()
    {
        yield return GrafanaWebhook.Firing("checkout").ToString();
        yield return GrafanaWebhook.Resolved("search").ToString();
    }

    private static IEnumerable<string> PagerDutySeeds()
    {
        yield return PagerDutyEvent.Of("incident.triggered").WithPriority("P1").OfTeam("Payments").ToString();
        yield return PagerDutyEvent.Of("incident.acknowledged").ToString();
        yield return PagerDutyEvent.Of("incident.resolved").WithIncidentKey(null).ToString();
        yield return PagerDutyEvent.Of("incident.annotated").WithNote("Rolled back the deploy").ToString();
    }

    private static IEnumerable<string> JiraSeeds()
    {
        var issue = new TrackerIssueChange("PAY-12", "https://acme.atlassian.net/browse/PAY-12", "in-progress", "incidentbridge-ai-0123456789abcdef", T0) { Assignee = TrackerWebhooks.BobJira };
        yield return TrackerWebhooks.Jira("jira:issue_updated", issue);
        yield return TrackerWebhooks.Jira("jira:issue_updated", issue with { Key = "OPS-3" }, movedFrom: "PAY-12");
        yield return TrackerWebhooks.Jira("jira:issue_deleted", issue with { Status = "done" });
    }

    private static IEnumerable<string> GitHubSeeds()
    {
        var issue = new TrackerIssueChange("acme/payments#7", "https://github.com/acme/payments/issues/7", "done", "incidentbridge-ai-0123456789abcdef", T0) { Assignee = "bob-gh" };
        yield return TrackerWebhooks.GitHub("closed", issue);
        yield return TrackerWebhooks.GitHub("assigned", issue with { Status = "open" });
        yield return TrackerWebhooks.GitHub("transferred", issue, transferredTo: issue with { Key = "acme/platform#9" });
    }

    private static IEnumerable<string> PostmortemSeeds()
    {
        yield return PostmortemJson.Published().WithItems(3).ToString();
        yield return PostmortemJson.Draft().WithItem("1", "Add pool metrics", "Bob", "P2", "2026-12-24").ToString();
    }

    private static IEnumerable<string> MarkdownSeeds() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Postmortems", "Seeds"), "*.md").Order(StringComparer.Ordinal).Select(File.ReadAllText);

    /// <summary>The builder's fingerprints hash with a per-process seed: fixed ones keep a case the same from run to run.</summary>
    private static string WithFixedFingerprints(JsonObject notification)
    {
        var index = 0;
        foreach (var alert in notification["alerts"]?.AsArray() ?? [])
        {
            alert!["fingerprint"] = (0x4f3c2a1b0e9d8c00L + index++).ToString("x16", CultureInfo.InvariantCulture);
        }

        return notification.ToJsonString();
    }

    private sealed record CaseDescription(string Text, bool Authentic);

    private sealed record Answer(int Case, string Target, bool Authentic, int Status, string Description, long Bytes, TimeSpan Took)
    {
        public override string ToString() => $"case {Case} {Target}: {Status} after {Description}";
    }
}

/// <summary>An endpoint of the hostile-input corpus: where it is, the content type it expects, valid bodies to mutate, and how a request is authenticated.</summary>
internal sealed record HostileTarget(string Name, string Path, string ContentType, Lazy<IReadOnlyList<byte[]>> Seeds, HostileTarget.Authenticator Authenticate)
{
    /// <summary>Adds credentials for the final <paramref name="body"/>, or wrong ones when not <paramref name="authentic"/>.</summary>
    public delegate void Authenticator(HttpRequestMessage request, byte[] body, bool authentic, Random random, List<string> notes);

    public HostileInput.Mutated Mutate(byte[] seed, Random random) =>
        ContentType == "text/markdown" ? HostileInput.Markdown(seed, random) : HostileInput.Json(seed, random);
}
