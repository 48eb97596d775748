namespace IncidentBridge.Tests.Support;

/// <summary>The /metrics reader the tests and the bench count with (TestSupport's <see cref="PrometheusText"/>).</summary>
public sealed class PrometheusTextTests
{
    private const string Exposition =
        """
        # HELP incidentbridge_webhook_deliveries_total Webhook deliveries by source and outcome.
        # TYPE incidentbridge_webhook_deliveries_total counter
        incidentbridge_webhook_deliveries_total{source="alertmanager",outcome="accepted"} 5
        incidentbridge_webhook_deliveries_total{source="alertmanager",outcome="unauthorized"} 2
        incidentbridge_webhook_deliveries_total{source="pagerduty",outcome="accepted"} 3
        incidentbridge_inbox_depth 4
        # TYPE incidentbridge_inbox_processing_lag_seconds histogram
        incidentbridge_inbox_processing_lag_seconds_bucket{source="alertmanager",le="0.1"} 1
        incidentbridge_inbox_processing_lag_seconds_bucket{source="alertmanager",le="1"} 3
        incidentbridge_inbox_processing_lag_seconds_bucket{source="alertmanager",le="+Inf"} 4
        incidentbridge_inbox_processing_lag_seconds_bucket{source="pagerduty",le="0.1"} 2
        incidentbridge_inbox_processing_lag_seconds_bucket{source="pagerduty",le="1"} 2
        incidentbridge_inbox_processing_lag_seconds_bucket{source="pagerduty",le="+Inf"} 2
        incidentbridge_inbox_processing_lag_seconds_sum{source="alertmanager"} 2.5
        incidentbridge_inbox_processing_lag_seconds_count{source="alertmanager"} 4
        jobs_total{job="status sync, \"nightly\"",outcome="ok"} 1
        """;

    private readonly PrometheusText _metrics = PrometheusText.Parse(Exposition);

    [Fact]
    public void Sum_adds_every_series_of_the_metric_that_carries_the_labels_asked_for()
    {
        Assert.Equal(10, _metrics.Sum("incidentbridge_webhook_deliveries_total"));
        Assert.Equal(7, _metrics.Sum("incidentbridge_webhook_deliveries_total", ("source", "alertmanager")));
        Assert.Equal(3, _metrics.Sum("incidentbridge_webhook_deliveries_total", ("source", "pagerduty"), ("outcome", "accepted")));
        Assert.Equal(4, _metrics.Sum("incidentbridge_inbox_depth"));
    }

    [Fact]
    public void A_metric_or_label_not_exposed_yet_sums_to_zero()
    {
        Assert.Equal(0, _metrics.Sum("incidentbridge_action_items_pending_sync"));
        Assert.Equal(0, _metrics.Sum("incidentbridge_webhook_deliveries_total", ("outcome", "aborted")));
    }

    [Fact]
    public void Histogram_buckets_are_summed_over_the_matching_series_by_bound_with_inf_last()
    {
        Assert.Equal([(0.1, 3), (1, 5), (double.PositiveInfinity, 6)], _metrics.Buckets("incidentbridge_inbox_processing_lag_seconds"));
        Assert.Equal([(0.1, 1), (1, 3), (double.PositiveInfinity, 4)], _metrics.Buckets("incidentbridge_inbox_processing_lag_seconds", ("source", "alertmanager")));
        Assert.Equal(2.5, _metrics.Sum("incidentbridge_inbox_processing_lag_seconds_sum"));
    }

    [Fact]
    public void A_label_value_may_hold_spaces_commas_and_escaped_quotes()
    {
        Assert.Equal(1, _metrics.Sum("jobs_total", ("job", "status sync, \\\"nightly\\\""), ("outcome", "ok")));
    }
}
