using System.Net;
using System.Net.Sockets;

namespace IncidentBridge.TestSupport;

public static class FreePort
{
    /// <summary>
    /// A loopback port the kernel just handed out and nobody listens on now: for a server the test starts (parallel
    /// tests do not collide), or as a "server down" address.
    /// </summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
