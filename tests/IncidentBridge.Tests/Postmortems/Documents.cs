using IncidentBridge.Postmortems;

namespace IncidentBridge.Tests.Postmortems;

/// <summary>Postmortem documents as a JSON client would post them: valid unless a test says otherwise.</summary>
internal static class Documents
{
    public const int DefaultYear = 2030;

    /// <summary>The day a postmortem without a date of its own was first posted, for due dates written as spans.</summary>
    public static readonly DateOnly PostedOn = new(2030, 6, 3);

    public static ActionItemInput Item(
        string? description = "Fix the connection leak",
        string? owner = "Bob",
        string? priority = null,
        string? dueDate = null,
        string? status = null,
        string? type = null,
        string? id = null,
        string? location = null) => new()
        {
            Id = id,
            Description = description,
            Type = type,
            Owner = owner,
            Priority = priority,
            DueDate = dueDate,
            Status = status,
            Location = location,
        };

    public static PostmortemDocument With(params ActionItemInput[] items) => new()
    {
        Title = "Checkout outage",
        Date = "2024-01-15",
        ActionItems = [.. items],
    };

    public static NormalizeResult Normalize(PostmortemDocument document) =>
        PostmortemNormalizer.Normalize(document, DefaultYear, PostedOn);

    /// <summary>The one item of a postmortem holding only <paramref name="item"/>, normalised; fails the test on an error.</summary>
    public static ActionItem NormalizeOne(ActionItemInput item)
    {
        var result = Normalize(With(item));
        Assert.True(result.Ok, result.Error?.ToString());
        return Assert.Single(result.Postmortem.ActionItems);
    }

    /// <summary>The one warning normalising a postmortem holding <paramref name="items"/> gives; fails the test on an error or another count.</summary>
    public static string WarningFor(params ActionItemInput[] items)
    {
        var result = Normalize(With(items));
        Assert.True(result.Ok, result.Error?.ToString());
        return Assert.Single(result.Warnings);
    }

    /// <summary>The error for a postmortem holding <paramref name="items"/>; fails the test if there is none.</summary>
    public static IncidentBridge.Api.PayloadError ErrorFor(params ActionItemInput[] items)
    {
        var result = Normalize(With(items));
        Assert.False(result.Ok);
        return result.Error;
    }
}
