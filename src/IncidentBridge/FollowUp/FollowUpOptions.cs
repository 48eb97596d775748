namespace IncidentBridge.FollowUp;

/// <summary>
/// <c>IncidentBridge:FollowUp</c>: how action items are chased, per priority (docs/ARCHITECTURE.md, "Nothing falls
/// through"), and when a resolved incident's postmortem is overdue.
/// </summary>
internal sealed class FollowUpOptions
{
    public const string Section = "IncidentBridge:FollowUp";

    public PriorityPolicies Policies { get; set; } = new();

    public PostmortemDueOptions PostmortemDue { get; set; } = new();
}

/// <summary>One policy per priority, each key bound on its own (<c>FollowUp:Policies:P1:DueDays</c>), so a partial override keeps the other defaults.</summary>
internal sealed class PriorityPolicies
{
    public PriorityPolicy P0 { get; set; } = new() { DueDays = 7, EscalateAfterDays = 3 };

    public PriorityPolicy P1 { get; set; } = new() { DueDays = 14, EscalateAfterDays = 7 };

    public PriorityPolicy P2 { get; set; } = new() { DueDays = 30, EscalateAfterDays = 14 };

    public PriorityPolicy P3 { get; set; } = new() { DueDays = 90, EscalateAfterDays = 30 };

    /// <summary>The policy of a stored priority (P0..P3); anything else is treated as P2, the priority of an item that gave none.</summary>
    public PriorityPolicy For(string priority) => priority.ToUpperInvariant() switch
    {
        "P0" => P0,
        "P1" => P1,
        "P3" => P3,
        _ => P2,
    };

    public IEnumerable<(string Priority, PriorityPolicy Policy)> All() => [("P0", P0), ("P1", P1), ("P2", P2), ("P3", P3)];
}

internal sealed class PriorityPolicy
{
    /// <summary>An item published without a due date is due this many days after its postmortem was published.</summary>
    public int DueDays { get; set; }

    /// <summary>An open item due within this many days is "due soon" in its owner's digest.</summary>
    public int RemindBeforeDays { get; set; } = 3;

    /// <summary>An item this many days overdue, or more, is escalated to its owner's lead.</summary>
    public int EscalateAfterDays { get; set; }
}

internal sealed class PostmortemDueOptions
{
    public int Hours { get; set; } = 48;

    /// <summary><see cref="Hours"/>: how long after an incident resolved its postmortem is due.</summary>
    public TimeSpan After => TimeSpan.FromHours(Hours);

    /// <summary>Null until configured: the binder would add configured values to a default list rather than replace it.</summary>
    public string[]? Severities { get; set; }

    public string[] Recipients { get; set; } = [];

    public IReadOnlyList<string> SeveritiesOrDefault => Severities is { Length: > 0 } given ? given : ["SEV1", "SEV2"];

    /// <summary>The severities as stored on incidents (1..4 for SEV1..SEV4); the validator lets only those names through.</summary>
    public long[] SeverityLevels => SeveritiesOrDefault.Select(s => Incidents.Severity.TryParse(s, out var level) ? (long)level : 0L).Distinct().ToArray();
}

internal sealed class FollowUpOptionsValidator : IValidateOptions<FollowUpOptions>
{
    public ValidateOptionsResult Validate(string? name, FollowUpOptions options)
    {
        var failures = new List<string>();
        foreach (var (priority, policy) in options.Policies.All())
        {
            var key = $"{FollowUpOptions.Section}:Policies:{priority}";
            if (policy.DueDays < 1)
            {
                failures.Add($"{key}:DueDays must be 1 or more (was {policy.DueDays}).");
            }

            if (policy.RemindBeforeDays < 0)
            {
                failures.Add($"{key}:RemindBeforeDays must not be negative (was {policy.RemindBeforeDays}).");
            }

            if (policy.EscalateAfterDays < 0)
            {
                failures.Add($"{key}:EscalateAfterDays must not be negative (was {policy.EscalateAfterDays}).");
            }
        }

        if (options.PostmortemDue.Hours < 1)
        {
            failures.Add($"{FollowUpOptions.Section}:PostmortemDue:Hours must be 1 or more (was {options.PostmortemDue.Hours}).");
        }

        foreach (var severity in options.PostmortemDue.SeveritiesOrDefault.Where(s => s is not ("SEV1" or "SEV2" or "SEV3" or "SEV4")))
        {
            failures.Add($"{FollowUpOptions.Section}:PostmortemDue:Severities holds '{severity}': use SEV1, SEV2, SEV3 or SEV4.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
