using IncidentBridge.Ingest;
using Microsoft.AspNetCore.Mvc.Testing;

namespace IncidentBridge.Tests.Ingest;

/// <summary>
/// How bodies are read: by what arrives, within a ceiling, within a per-source budget while unauthenticated, and within
/// a deadline. (The memory of 500 silent connections is measured on the real process: WebhookBodyLimitsTests.)
/// </summary>
public sealed class WebhookBodyTests
{
    private const int Budget = 8 * 1024;

    [Fact]
    public async Task Unauthenticated_bodies_over_the_sources_budget_answer_503_with_retry_after()
    {
        await using var budget = await HeldBudget.StartAsync();

        var refused = await budget.Client.SendAsync(PagerDutyRequest(new ByteArrayContent(new byte[2048]), 2048));

        await refused.AssertProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(refused.Headers.RetryAfter);
        await budget.ReleaseAsync();
        var body = PagerDutyEvent.Of("pagey.ping").ToString();
        Assert.Equal(HttpStatusCode.Accepted, (await budget.Client.PostPagerDutyAsync(body)).StatusCode);
    }

    [Fact]
    public async Task Bearer_sources_are_not_held_to_the_unauthenticated_budget()
    {
        await using var budget = await HeldBudget.StartAsync();

        var response = await budget.Client.PostAlertmanagerAsync(AlertmanagerWebhook.Firing("checkout").ToString());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await budget.ReleaseAsync();
    }

    [Fact]
    public async Task A_body_sent_without_a_length_is_413_once_it_passes_the_ceiling()
    {
        await using var worker = new WorkerFactory(new Dictionary<string, string?> { ["IncidentBridge:Ingest:MaxBodyBytes"] = "4096" });
        var content = new DribbledContent(new byte[3000], new byte[3000]);
        content.Finish();

        var response = await StreamingClient(worker).SendAsync(PagerDutyRequest(content, length: null));

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Equal(0, await worker.CountAsync("deliveries"));
    }

    [Fact]
    public async Task A_body_that_does_not_arrive_within_the_body_timeout_answers_408()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero));
        await using var worker = new WorkerFactory(new Dictionary<string, string?> { ["IncidentBridge:Ingest:BodyTimeout"] = "00:00:10" }, time);
        var client = StreamingClient(worker);
        var stalled = new DribbledContent("{\"version\":"u8.ToArray());
        var answer = client.SendAsync(AlertmanagerRequest(stalled));
        await stalled.FirstPartSent.WaitAsync(TimeSpan.FromSeconds(10));

        await Eventually.UntilAsync(
            () =>
            {
                time.Advance(TimeSpan.FromSeconds(5));
                return Task.FromResult(answer.IsCompleted);
            },
            completed => completed,
            "the stalled body is answered once the body timeout has passed");

        await (await answer).AssertProblemAsync(HttpStatusCode.RequestTimeout);
        stalled.Finish();
        Assert.Equal(0, await worker.CountAsync("deliveries"));
    }

    // The factory's default client follows redirects, and so buffers a request's whole body before sending it.
    private static HttpClient StreamingClient(WorkerFactory worker) =>
        worker.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private static HttpRequestMessage PagerDutyRequest(HttpContent content, long? length)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        content.Headers.ContentLength = length;
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/pagerduty") { Content = content };
        request.Headers.Add("X-PagerDuty-Signature", "v1=" + new string('0', 64));
        return request;
    }

    private static HttpRequestMessage AlertmanagerRequest(HttpContent content)
    {
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var request = new HttpRequestMessage(HttpMethod.Post, "/webhooks/alertmanager") { Content = content };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", WorkerFactory.AlertmanagerToken);
        return request;
    }

    /// <summary>
    /// A worker whose sources may hold <see cref="Budget"/> bytes of unauthenticated bodies, with all but 1 KiB of it held
    /// by one PagerDuty body still arriving (its signature is checked only once it has all arrived).
    /// </summary>
    private sealed class HeldBudget(WorkerFactory worker, HttpClient client, DribbledContent holding, Task<HttpResponseMessage> held) : IAsyncDisposable
    {
        public HttpClient Client => client;

        public static async Task<HeldBudget> StartAsync()
        {
            var worker = new WorkerFactory(new Dictionary<string, string?>
            {
                ["IncidentBridge:Ingest:MaxBodyBytes"] = $"{Budget}",
                ["IncidentBridge:Ingest:UnauthenticatedBodyBudgetBytes"] = $"{Budget}",
                // The held body must outlast a slow, busy test run: it is released by the test, not by the deadline.
                ["IncidentBridge:Ingest:BodyTimeout"] = "00:05:00",
            });
            var client = StreamingClient(worker);
            var holding = new DribbledContent(new byte[Budget - 1024]);
            var held = client.SendAsync(PagerDutyRequest(holding, length: null));
            try
            {
                // Held once the worker has read the first part: its bytes are reserved against PagerDuty's budget.
                await holding.FirstPartSent.WaitAsync(TimeSpan.FromSeconds(10));
                var pagerDuty = worker.Services.GetRequiredService<UnauthenticatedBodyBudgets>().For(IncidentBridge.Incidents.SourceKinds.PagerDuty);
                await Eventually.UntilAsync(
                    () => Task.FromResult(pagerDuty.ReservedBytes),
                    reserved => reserved >= Budget - 1024,
                    "the held body's first part is reserved against PagerDuty's budget",
                    context: () => held.IsCompleted ? $"the held request was answered {held.Result.StatusCode}" : "the held request is still open");
            }
            catch
            {
                await worker.DisposeAsync();
                throw;
            }

            return new HeldBudget(worker, client, holding, held);
        }

        /// <summary>The held body arrives in full and is answered: the budget is free again.</summary>
        public async Task ReleaseAsync()
        {
            holding.Finish();
            (await held).Dispose();
        }

        public ValueTask DisposeAsync() => worker.DisposeAsync();
    }

    /// <summary>A body sent in parts: the first at once, the rest only after <see cref="Finish"/>.</summary>
    private sealed class DribbledContent(byte[] first, byte[]? rest = null) : HttpContent
    {
        private readonly TaskCompletionSource _firstSent = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _finish = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstPartSent => _firstSent.Task;

        public void Finish() => _finish.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(first);
            await stream.FlushAsync();
            _firstSent.TrySetResult();
            await _finish.Task;
            if (rest is not null)
            {
                await stream.WriteAsync(rest);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
