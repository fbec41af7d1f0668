using System.Xml.Linq;

namespace Mtc.Simulator.Agent;

/// <summary>An asset held by the agent. <see cref="Body"/> is the asset element (e.g. <c>CuttingTool</c>) without namespace.</summary>
internal sealed record SimAsset(string AssetId, string AssetType, string DeviceUuid, DateTime Timestamp, XElement Body, bool Removed = false);

/// <summary>The agent's assets, newest last, bounded like an agent's asset buffer.</summary>
internal sealed class AssetStore(int capacity = 1024)
{
    private readonly Lock _gate = new();
    private readonly List<SimAsset> _assets = [];

    public int Capacity => capacity;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _assets.Count;
            }
        }
    }

    public void Put(SimAsset asset)
    {
        lock (_gate)
        {
            _assets.RemoveAll(a => string.Equals(a.AssetId, asset.AssetId, StringComparison.Ordinal));
            _assets.Add(asset);
            if (_assets.Count > capacity)
            {
                _assets.RemoveAt(0);
            }
        }
    }

    public SimAsset? Remove(string assetId, DateTime timestamp)
    {
        lock (_gate)
        {
            var index = _assets.FindIndex(a => string.Equals(a.AssetId, assetId, StringComparison.Ordinal));
            if (index < 0)
            {
                return null;
            }

            var removed = _assets[index] with { Removed = true, Timestamp = timestamp };
            _assets[index] = removed;
            return removed;
        }
    }

    public List<SimAsset> RemoveAll(string? assetType, DateTime timestamp)
    {
        lock (_gate)
        {
            var removed = new List<SimAsset>();
            for (var i = 0; i < _assets.Count; i++)
            {
                if (!_assets[i].Removed && (assetType is null || string.Equals(_assets[i].AssetType, assetType, StringComparison.Ordinal)))
                {
                    removed.Add(_assets[i] = _assets[i] with { Removed = true, Timestamp = timestamp });
                }
            }

            return removed;
        }
    }

    /// <summary>Assets newest first, as an agent lists them.</summary>
    public List<SimAsset> List(string? type, string? deviceUuid, bool includeRemoved, int count)
    {
        lock (_gate)
        {
            var list = new List<SimAsset>();
            for (var i = _assets.Count - 1; i >= 0 && list.Count < count; i--)
            {
                var asset = _assets[i];
                if ((includeRemoved || !asset.Removed)
                    && (type is null || string.Equals(asset.AssetType, type, StringComparison.Ordinal))
                    && (deviceUuid is null || string.Equals(asset.DeviceUuid, deviceUuid, StringComparison.Ordinal)))
                {
                    list.Add(asset);
                }
            }

            return list;
        }
    }

    public SimAsset? Find(string assetId)
    {
        lock (_gate)
        {
            return _assets.Find(a => string.Equals(a.AssetId, assetId, StringComparison.Ordinal));
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _assets.Clear();
        }
    }
}
