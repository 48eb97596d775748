using IncidentBridge.Correlation;
using IncidentBridge.Inbox;
using IncidentBridge.Trackers.GitHub;
using IncidentBridge.Trackers.Jira;

namespace IncidentBridge.Ingest;

/// <summary>
/// <c>POST /webhooks/alertmanager</c>, <c>/webhooks/grafana</c>, <c>/webhooks/pagerduty</c>, <c>/webhooks/jira</c> and <c>/webhooks/github</c>: the first step of the webhook path
/// (docs/ARCHITECTURE.md). A body is checked with Correlation's parsers, the ones that read it back from the inbox,
/// so a body they refuse is answered 400 and never stored. A delivery is answered 202 only once its raw body is
/// committed to the inbox; anything that keeps it from being stored answers 503, which both senders retry
/// (docs/PROTOCOLS.md), so nothing answered 2xx is ever lost.
/// </summary>
internal static class IngestEndpoints
{
    public static IEndpointRouteBuilder MapIngest(this IEndpointRouteBuilder app)
    {
        var webhooks = app.MapGroup("/webhooks");
        webhooks.MapPost("/alertmanager", ReceiveAlertmanagerAsync);
        webhooks.MapPost("/pagerduty", ReceivePagerDutyAsync);
        webhooks.MapPost("/grafana", ReceiveGrafanaAsync);
        webhooks.MapPost("/jira", (HttpRequest request, WebhookAuthenticators auth, JiraWebhookReader reader, RequestBodyReader bodies, IOptions<IngestOptions> options, InboxWriter inbox, IngestMetrics metrics, CancellationToken cancellationToken) =>
            ReceiveTrackerAsync(request, new TrackerHook(auth.Jira, reader, "Jira", "X-Hub-Signature", "X-Atlassian-Webhook-Identifier", null), bodies, options.Value, inbox, metrics, cancellationToken));
        webhooks.MapPost("/github", (HttpRequest request, WebhookAuthenticators auth, GitHubWebhookReader reader, RequestBodyReader bodies, IOptions<IngestOptions> options, InboxWriter inbox, IngestMetrics metrics, CancellationToken cancellationToken) =>
            ReceiveTrackerAsync(request, new TrackerHook(auth.GitHub, reader, "GitHub", "X-Hub-Signature-256", "X-GitHub-Delivery", GitHubWebhookReader.EventHeader), bodies, options.Value, inbox, metrics, cancellationToken));
        return app;
    }

    private static Task<Results<Accepted<DeliveryAccepted>, ProblemHttpResult>> ReceiveAlertmanagerAsync(
        HttpRequest request, WebhookAuthenticators auth, RequestBodyReader bodies, IOptions<IngestOptions> options, InboxWriter inbox, IngestMetrics metrics, CancellationToken cancellationToken) =>
        ReceiveAlertsAsync(AlertSender.Alertmanager, auth.Alertmanager, request, bodies, options.Value, inbox, metrics, cancellationToken);

    /// <summary>Grafana's webhook contact point sends Alertmanager's body (version 1): answered exactly as Alertmanager is.</summary>
    private static Task<Results<Accepted<DeliveryAccepted>, ProblemHttpResult>> ReceiveGrafanaAsync(
        HttpRequest request, WebhookAuthenticators auth, RequestBodyReader bodies, IOptions<IngestOptions> options, InboxWriter inbox, IngestMetrics metrics, CancellationToken cancellationToken) =>
        ReceiveAlertsAsync(AlertSender.Grafana, auth.Grafana, request, bodies, options.Value, inbox, metrics, cancellationToken);

    private static async Task<Results<Accepted<DeliveryAccepted>, ProblemHttpResult>> ReceiveAlertsAsync(
        AlertSender sender, BearerTokens tokens, HttpRequest request, RequestBodyReader bodies, IngestOptions options, InboxWriter inbox, IngestMetrics metrics, CancellationToken cancellationToken)
    {
        var source = sender.Source;
        if (tokens.IsEmpty)
        {
            return Reject(metrics, source, "disabled", Problems.NotFound($"The {sender.Name} webhook is disabled: set IncidentBridge:Sources:{sender.Name}:BearerTokens."));
        }

        if (!tokens.Accepts(request.Headers.Authorization))
        {
            return Reject(metrics, source, "unauthorized", Problems.Unauthorized($"Send Authorization: Bearer <token> with one of IncidentBridge:Sources:{sender.Name}:BearerTokens."));
        }

        var read = await bodies.ReadWebhookAsync(request, source, cancellationToken);
        if (!read.Ok)
        {
            return read.Problem;
        }

        var body = read.Bytes;
        if (!AlertmanagerBodyCheck.TryGroupKey(body, sender, out var groupKey))
        {
            // Unusual or invalid: the full read decides, and names the problem.
            var parsed = AlertmanagerPayloadParser.Parse(body, sender);
            if (!parsed.Ok)
            {
                return Reject(metrics, source, "invalid", Problems.InvalidField(parsed.Error.Field, parsed.Error.Detail));
            }

            groupKey = parsed.Value.GroupKey!;
        }

        return await StoreAsync(
            new IncomingDelivery(source, request.ContentType ?? "application/json", body, EventId: null, WebhookId: null, OrderKey: CorrelationKey.OrderOfGroup(groupKey), Lane: CorrelationKey.LaneOfGroup(source, groupKey)),
            inbox, options, metrics, cancellationToken);
    }

    private static async Task<Results<Accepted<DeliveryAccepted>, ProblemHttpResult>> ReceivePagerDutyAsync(
        HttpRequest request, WebhookAuthenticators auth, RequestBodyReader bodies, IOptions<IngestOptions> options, InboxWriter inbox, IngestMetrics metrics, CancellationToken cancellationToken)
    {
        const string source = SourceKinds.PagerDuty;
        if (auth.PagerDuty.IsEmpty)
        {
            return Reject(metrics, source, "disabled", Problems.NotFound("The PagerDuty webhook is disabled: set IncidentBridge:Sources:PagerDuty:SigningSecrets."));
        }

        // The signature covers the body, so it is read before the sender is known: within PagerDuty's budget.
        var read = await bodies.ReadUnauthenticatedWebhookAsync(request, source, cancellationToken);
        if (!read.Ok)
        {
            return read.Problem;
        }

        var body = read.Bytes;

        var signature = auth.PagerDuty.Verify(request.Headers["X-PagerDuty-Signature"], body);
        if (signature != SignatureCheck.Valid && PagerDutyPayloadParser.IsLegacyV2(body))
        {
            return Reject(metrics, source, "invalid", Problems.InvalidField("messages", PagerDutyPayloadParser.LegacyV2));
        }

        if (signature != SignatureCheck.Valid)
        {
            return Reject(metrics, source, "unauthorized", Problems.Unauthorized(signature switch
            {
                SignatureCheck.Missing => "X-PagerDuty-Signature is missing.",
                SignatureCheck.Malformed => "X-PagerDuty-Signature has no v1=<64 hex digits> signature.",
                _ => "X-PagerDuty-Signature does not match the body with any of IncidentBridge:Sources:PagerDuty:SigningSecrets.",
            }));
        }

        var parsed = PagerDutyPayloadParser.Parse(body);
        if (!parsed.Ok)
        {
            return Reject(metrics, source, "invalid", Problems.InvalidField(parsed.Error.Field, parsed.Error.Detail));
        }

        string? webhookId = request.Headers["X-Webhook-Id"];
        return await StoreAsync(
            new IncomingDelivery(source, request.ContentType ?? "application/json", body, parsed.Value.Id, string.IsNullOrEmpty(webhookId) ? null : webhookId, OrderKey: CorrelationKey.OrderOfPage(parsed.Value.Data)),
            inbox, options.Value, metrics, cancellationToken);
    }

    /// <summary>
    /// A tracker's webhook (Jira admin webhooks, GitHub repository or organisation webhooks): signed with one of
    /// <c>Sources:&lt;tracker&gt;:WebhookSecrets</c>, de-duplicated by the tracker's delivery id, stored like every delivery.
    /// Any signed, well-formed event is stored, including kinds that change nothing (a ping, a comment): a tracker that
    /// hears 4xx may stop delivering.
    /// </summary>
    private static async Task<Results<Accepted<DeliveryAccepted>, ProblemHttpResult>> ReceiveTrackerAsync(
        HttpRequest request, TrackerHook hook, RequestBodyReader bodies, IngestOptions options, InboxWriter inbox, IngestMetrics metrics, CancellationToken cancellationToken)
    {
        var source = hook.Reader.Source;
        if (hook.Signatures.IsEmpty)
        {
            return Reject(metrics, source, "disabled", Problems.NotFound($"The {hook.Tracker} webhook is disabled: set IncidentBridge:Sources:{hook.Tracker}:WebhookSecrets."));
        }

        // The signature covers the body, so it is read before the sender is known: within the source's budget.
        var read = await bodies.ReadUnauthenticatedWebhookAsync(request, source, cancellationToken);
        if (!read.Ok)
        {
            return read.Problem;
        }

        var body = read.Bytes;
        var signature = hook.Signatures.Verify(request.Headers[hook.SignatureHeader], body);
        if (signature != SignatureCheck.Valid)
        {
            return Reject(metrics, source, "unauthorized", Problems.Unauthorized(signature switch
            {
                SignatureCheck.Missing => $"{hook.SignatureHeader} is missing: save the {hook.Tracker} webhook with a secret.",
                SignatureCheck.Malformed => $"{hook.SignatureHeader} has no sha256=<64 hex digits> signature.",
                _ => $"{hook.SignatureHeader} does not match the body with any of IncidentBridge:Sources:{hook.Tracker}:WebhookSecrets.",
            }));
        }

        string? eventType = hook.EventHeader is null ? null : request.Headers[hook.EventHeader].ToString();
        var parsed = hook.Reader.Read(body, eventType);
        if (!parsed.Ok)
        {
            return Reject(metrics, source, "invalid", Problems.InvalidField(parsed.Error.Field, parsed.Error.Detail));
        }

        string? deliveryId = request.Headers[hook.DeliveryHeader];
        return await StoreAsync(
            new IncomingDelivery(source, request.ContentType ?? "application/json", body, string.IsNullOrEmpty(deliveryId) ? null : deliveryId, null, eventType),
            inbox, options, metrics, cancellationToken);
    }

    private static async Task<Results<Accepted<DeliveryAccepted>, ProblemHttpResult>> StoreAsync(
        IncomingDelivery delivery, InboxWriter inbox, IngestOptions options, IngestMetrics metrics, CancellationToken cancellationToken)
    {
        StoredDelivery stored;
        try
        {
            stored = await inbox.AcceptAsync(delivery, options.StoreTimeout, cancellationToken);
        }
        catch (InboxUnavailableException ex)
        {
            return Reject(metrics, delivery.Source, "unavailable", Problems.Unavailable($"The delivery could not be stored ({ex.Message}); retry later."));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The sender hung up before the commit: nobody reads this answer, and the sender retries as for any
            // unanswered request (the delivery may still be stored; a retry of it is then a duplicate).
            return Reject(metrics, delivery.Source, "aborted", Problems.Unavailable("The request was aborted before the delivery was stored."));
        }

        metrics.Count(delivery.Source, stored.Duplicate ? "duplicate" : "accepted");
        return TypedResults.Accepted($"/api/deliveries/{stored.Id}", new DeliveryAccepted(stored.Id, stored.Duplicate));
    }

    private static ProblemHttpResult Reject(IngestMetrics metrics, string source, string outcome, ProblemHttpResult problem)
    {
        metrics.Count(source, outcome);
        return problem;
    }
}

/// <summary>How one tracker's webhook is told apart: its signatures, its body reader and the headers it sends.</summary>
internal sealed record TrackerHook(HmacSignatureVerifier Signatures, ITrackerWebhookReader Reader, string Tracker, string SignatureHeader, string DeliveryHeader, string? EventHeader);

/// <summary>The 202 body: the delivery's id, and whether it repeats one already stored (no second effect).</summary>
internal sealed record DeliveryAccepted(string DeliveryId, bool Duplicate);
