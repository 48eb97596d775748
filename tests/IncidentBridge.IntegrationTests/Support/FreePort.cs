using System.Net;
using System.Net.Sockets;

namespace IncidentBridge.IntegrationTests.Support;

internal static class FreePort
{
    /// <summary>A loopback port the kernel just handed out, so parallel tests do not collide.</summary>
    public static int Next()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}
