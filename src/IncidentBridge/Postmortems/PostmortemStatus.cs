namespace IncidentBridge.Postmortems;

internal static class PostmortemStatus
{
    public const string Draft = "draft";
    public const string InReview = "in-review";
    public const string Published = "published";
}
