using System.Buffers;

namespace Mtc.Core.Xml;

/// <summary>
/// A growable list over arrays rented from <see cref="ArrayPool{T}.Shared"/>, for collecting items whose count is not
/// known up front (the observations of a device stream) and then copying them to one exact-size array. Reading
/// document after document reuses the same large array instead of leaving a trail of discarded ones.
/// <see cref="Dispose"/> clears what it returns, so the pool keeps no reference to the items.
/// </summary>
internal sealed class PooledList<T> : IDisposable
{
    private T[] _items = [];
    private int _count;

    public int Count => _count;

    public void Add(T item)
    {
        if (_count == _items.Length)
        {
            Grow();
        }

        _items[_count++] = item;
    }

    public T[] ToArray() => _items.AsSpan(0, _count).ToArray();

    public void Clear()
    {
        _items.AsSpan(0, _count).Clear();
        _count = 0;
    }

    public void Dispose()
    {
        Clear();
        if (_items.Length > 0)
        {
            ArrayPool<T>.Shared.Return(_items);
            _items = [];
        }
    }

    private void Grow()
    {
        T[] larger = ArrayPool<T>.Shared.Rent(Math.Max(256, _items.Length * 2));
        _items.AsSpan(0, _count).CopyTo(larger);
        if (_items.Length > 0)
        {
            _items.AsSpan(0, _count).Clear();
            ArrayPool<T>.Shared.Return(_items);
        }

        _items = larger;
    }
}
