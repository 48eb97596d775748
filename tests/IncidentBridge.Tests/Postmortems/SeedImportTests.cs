namespace IncidentBridge.Tests.Postmortems;

/// <summary>
/// Issue #12: every seed document, posted as a team would post it, imports with the action items a person reading it
/// sees — what, who, by when, how far along — and its warnings are empty or say something true. The lesson pages are
/// posted as their postmortem example (a <c>```markdown</c> block) or whole (the incident-response page, whose examples
/// are lists); the data-model lesson's example is a TypeScript object, posted as the JSON it stringifies to.
/// </summary>
public sealed class SeedImportTests : IAsyncLifetime
{
    private const string Open = "open";
    private const string InProgress = "in-progress";
    private const string Done = "done";

    private readonly IntakeWorker _worker = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task Postmortem_template_imports_its_eighteen_table_rows_without_warnings()
    {
        var answer = await PostMarkdownAsync(Seeds.Read("postmortem-template.md"));

        Assert.Equal(
            [
                new("Fix connection leak in error handler", "Engineering Lead", "2024-01-16", Done, "P0"),
                new("Add connection pool monitoring alerts", "SRE Team", "2024-01-16", Done, "P0"),
                new("Deploy hotfix v2.5.1 with fix", "DevOps Team", "2024-01-16", Done, "P0"),
                new("Verify fix in production", "QA Team", "2024-01-16", Done, "P0"),
                new("Add integration tests for payment error scenarios", "QA Engineer", "2024-01-22", InProgress, "P1"),
                new("Update code review checklist with resource management", "Tech Lead", "2024-01-20", InProgress, "P1"),
                new("Create runbook for connection pool issues", "SRE Team", "2024-01-21", Open, "P1"),
                new("Review all error handlers for similar issues", "Engineering Team", "2024-01-23", Open, "P1"),
                new("Implement automated connection leak detection", "DevOps Team", "2024-01-24", Open, "P2"),
                new("Implement canary deployment system", "DevOps Team", "2024-02-15", Open, "P1"),
                new("Enhance automated rollback capabilities", "SRE Team", "2024-02-10", Open, "P1"),
                new("Establish deployment windows policy", "Engineering Manager", "2024-02-05", Open, "P2"),
                new("Create comprehensive error testing framework", "QA Team", "2024-02-20", Open, "P2"),
                new("Conduct chaos engineering exercises", "SRE Team", "2024-02-28", Open, "P2"),
                new("Implement circuit breakers for all external APIs", "Architecture Team", "2024-04-15", Open, "P2"),
                new("Establish SLO/SLI framework for all services", "SRE Team", "2024-04-30", Open, "P2"),
                new("Cross-train engineers on database operations", "DBA Team", "2024-04-30", Open, "P3"),
                new("Quarterly incident response drills", "All Teams", "2024-04-30", Open, "P3"),
            ],
            IntakeWorker.Items(answer));

        // Its "Continuous Improvement" checklist ("- [ ] Action items reviewed at 1 week") is not under an action-items heading.
        Assert.Empty(IntakeWorker.Warnings(answer));
    }

    [Fact]
    public async Task Chapter_example_imports_its_six_rows_with_due_dates_in_its_year()
    {
        var answer = await PostMarkdownAsync(Seeds.PostmortemExample("incident-management-and-postmortems.md"));

        Assert.Equal(
            [
                new("Fix connection leak bug", "Bob", "2024-01-16", Done, "P1"),
                new("Add DB connection pool metric to dashboard", "Carol", "2024-01-22", Done, "P2"),
                new("Add integration test for connection cleanup", "Bob", "2024-01-29", InProgress, "P2"),
                new("Implement circuit breaker for order-service", "Dave", "2024-02-15", Open, "P3"),
                new("Add load test to staging CI pipeline", "Eve", "2024-02-28", Open, "P3"),
                new("Alert on connection pool > 80%", "Carol", "2024-01-18", Done, "P1"),
            ],
            IntakeWorker.Items(answer));
        Assert.Empty(IntakeWorker.Warnings(answer));
    }

    [Fact]
    public async Task Module_example_imports_its_four_rows_owned_by_handles_with_their_prioritys_due_dates()
    {
        var answer = await PostMarkdownAsync(Seeds.PostmortemExample("incident-management-module.md"));

        Assert.Equal(
            [
                // No due dates in the table: published, each is due its priority's DueDays later (P1 14, P2 30).
                new("Add integration test with prod API", "@alice", "2026-12-21", Open, "P1"),
                new("Implement canary deployments", "@bob", "2026-12-21", Open, "P1"),
                new("Improve error logging in payment client", "@carol", "2027-01-06", Open, "P2"),
                new("Update runbook with this scenario", "@tech-lead", "2027-01-06", Done, "P2"),
            ],
            IntakeWorker.Items(answer));
        Assert.Empty(IntakeWorker.Warnings(answer));
    }

    [Fact]
    public async Task Incident_response_page_imports_the_listed_items_of_its_examples_and_case_study()
    {
        var answer = await PostMarkdownAsync(Seeds.Read("incident-response-and-postmortem-sre.md"));

        // The page has no date: "1 week" counts from the day it was posted (IntakeWorker.Now, 2026-12-07).
        Assert.Equal(
            [
                // Example 1, high latency
                new("Add safeguard to prevent chaos in production", "DevOps", "2026-12-14", Open, "P2"),
                new("Update deployment process to verify chaos disabled", "SRE", "2026-12-14", Open, "P2"),

                // Example 2, payment processing
                new("Add alarm for payment failure rate > 5%", "SRE", "2026-12-10", Open, "P2"),
                new("Implement connection pooling limits", "Dev", "2026-12-21", Open, "P2"),
                new("Add retry logic for payment gateway", "Dev", "2026-12-21", Open, "P2"),

                // Example 3, database connections
                new("Fix connection leak in code", "Dev", "2026-12-14", Open, "P2"),
                new("Add database connection pool metrics", "Dev", "2026-12-14", Open, "P2"),
                new("Add alarm for connection pool usage > 80%", "SRE", "2026-12-10", Open, "P2"),

                // The case study's postmortem document: titled items with their fields on a sub-list.
                new("Configuration Validation: Add pre-deployment check for required environment variables", "DevOps Team", "2026-12-14", InProgress, "P1"),
                new("Staging Parity: Ensure staging environment matches production configuration", "Platform Team", "2026-12-21", Open, "P1"),
                new("Configuration Documentation: Document all required environment variables", "Development Team", "2026-12-14", Done, "P2"),
                new("Deployment Gates: Add automated configuration validation to deployment pipeline", "DevOps Team", "2026-12-21", Open, "P2"),
            ],
            IntakeWorker.Items(answer));

        // The lesson's own lists about action items ("Effective Action Items:", "7. Action Items", "Follow-up:") are not items.
        Assert.Equal(
            [
                "list under \"Action Items\", item 1 (line 311), Due Date: due date \"1 week\", and every due date written as a span, is counted " +
                "from 2026-12-07, the day the postmortem was first posted, because the postmortem has no date of its own; give it a date to count from that.",
            ],
            IntakeWorker.Warnings(answer));
    }

    [Fact]
    public async Task Data_model_lesson_example_imports_its_four_items_from_the_json_it_stringifies_to()
    {
        var json = Seeds.TypeScriptObject("postmortem-data-model-lesson.md", "checkoutOutage");

        var answer = await IntakeWorker.CreatedAsync(await _worker.PostJsonAsync(await _worker.IncidentAsync("INC-2026-0005"), json));

        Assert.Equal(
            [
                new("Add index verification to migration CI checks", "Dave", "2024-03-22", InProgress, "P0"),
                new("Increase DB connection pool to 200", "SRE team", "2024-03-18", Done, "P0"),
                new("Add query performance testing for migrations", "Dave", "2024-04-01", Open, "P1"),
                new("Test migration rollback procedures monthly", "SRE team", "2024-04-01", Open, "P1"),
            ],
            IntakeWorker.Items(answer));
        Assert.Equal(["prevent", "mitigate", "prevent", "detect"], answer.GetProperty("actionItems").EnumerateArray().Select(item => item.GetProperty("type").GetString()));
        Assert.Empty(IntakeWorker.Warnings(answer));
    }

    private async Task<JsonElement> PostMarkdownAsync(string markdown) =>
        await IntakeWorker.CreatedAsync(await _worker.PostMarkdownAsync(await _worker.IncidentAsync("INC-2026-0001"), markdown));
}
