using IncidentBridge.Inbox;

namespace IncidentBridge.Tests.Support;

/// <summary>Wraps the worker's delivery handlers, for tests that watch or disturb processing inside its transaction.</summary>
internal static class DeliveryHandlers
{
    /// <summary>Replaces every registered <see cref="IDeliveryHandler"/> with <paramref name="wrap"/> of it.</summary>
    public static void Wrap(IServiceCollection services, Func<IDeliveryHandler, IDeliveryHandler> wrap)
    {
        foreach (var descriptor in services.Where(d => d.ServiceType == typeof(IDeliveryHandler)).ToList())
        {
            services.Remove(descriptor);
            services.AddSingleton<IDeliveryHandler>(provider => wrap(
                (IDeliveryHandler)(descriptor.ImplementationFactory?.Invoke(provider) ?? ActivatorUtilities.CreateInstance(provider, descriptor.ImplementationType!))));
        }
    }
}
