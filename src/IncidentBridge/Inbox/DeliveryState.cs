namespace IncidentBridge.Inbox;

internal static class DeliveryState
{
    public const string Pending = "pending";
    public const string Done = "done";

    /// <summary>Kept after <c>Inbox:MaxAttempts</c> failures: counted, listed, retried on request, never deleted.</summary>
    public const string Dead = "dead";

    public static bool IsKnown(string state) => state is Pending or Done or Dead;
}
