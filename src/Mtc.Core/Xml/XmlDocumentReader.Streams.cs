using Mtc.Core.Model;

namespace Mtc.Core.Xml;

internal sealed partial class XmlDocumentReader
{
    // Collects one device stream's observations; its array comes from a pool (returned when the read ends).
    private readonly PooledList<Observation> _observations = new();

    private StreamsDocument ReadStreamsDocument(string? version)
    {
        DocumentHeader header = new();
        var streams = new List<DeviceStream>();
        if (!_reader.IsEmptyElement)
        {
            int depth = _reader.Depth;
            while (NextChild(depth))
            {
                string name = _reader.LocalName;
                if (ReferenceEquals(name, _names.Header))
                {
                    header = ReadHeader();
                }
                else if (ReferenceEquals(name, _names.Streams))
                {
                    ReadDeviceStreams(streams);
                }
                else
                {
                    Skip();
                }
            }
        }

        return new StreamsDocument { Header = header, Version = Coalesce(version, header), Streams = streams };
    }

    private void ReadDeviceStreams(List<DeviceStream> streams)
    {
        if (_reader.IsEmptyElement)
        {
            return;
        }

        int depth = _reader.Depth;
        while (NextChild(depth))
        {
            if (ReferenceEquals(_reader.LocalName, _names.DeviceStream))
            {
                streams.Add(ReadDeviceStream());
            }
            else
            {
                Skip();
            }
        }
    }

    private DeviceStream ReadDeviceStream()
    {
        string? name = null, uuid = null;
        if (_reader.MoveToFirstAttribute())
        {
            do
            {
                string attribute = _reader.LocalName;
                if (ReferenceEquals(attribute, _names.Name))
                {
                    name = _reader.Value;
                }
                else if (ReferenceEquals(attribute, _names.Uuid))
                {
                    uuid = _reader.Value;
                }
            }
            while (_reader.MoveToNextAttribute());

            _reader.MoveToElement();
        }

        _observations.Clear();
        if (!_reader.IsEmptyElement)
        {
            int depth = _reader.Depth;
            while (NextChild(depth))
            {
                if (ReferenceEquals(_reader.LocalName, _names.ComponentStream))
                {
                    ReadComponentStream();
                }
                else
                {
                    Skip();
                }
            }
        }

        return new DeviceStream(name ?? string.Empty, uuid, _observations.ToArray());
    }

    private void ReadComponentStream()
    {
        // Shared by every observation of this component stream.
        string? component = null, componentId = null, name = null;
        if (_reader.MoveToFirstAttribute())
        {
            do
            {
                string attribute = _reader.LocalName;
                if (ReferenceEquals(attribute, _names.Component))
                {
                    component = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.ComponentId))
                {
                    componentId = AtomizedAttribute();
                }
                else if (ReferenceEquals(attribute, _names.Name))
                {
                    name = AtomizedAttribute();
                }
            }
            while (_reader.MoveToNextAttribute());

            _reader.MoveToElement();
        }

        if (_reader.IsEmptyElement)
        {
            return;
        }

        ObservationComponent? where = component is null && componentId is null && name is null
            ? null
            : new ObservationComponent(component, componentId, name, shared: true);
        int depth = _reader.Depth;
        while (NextChild(depth))
        {
            string container = _reader.LocalName;
            if (ReferenceEquals(container, _names.Samples))
            {
                ReadObservations(DataItemCategory.Sample, where);
            }
            else if (ReferenceEquals(container, _names.Events))
            {
                ReadObservations(DataItemCategory.Event, where);
            }
            else if (ReferenceEquals(container, _names.Condition))
            {
                ReadObservations(DataItemCategory.Condition, where);
            }
            else
            {
                Skip();
            }
        }
    }

    private void ReadObservations(DataItemCategory category, ObservationComponent? where)
    {
        if (_reader.IsEmptyElement)
        {
            return;
        }

        int depth = _reader.Depth;
        while (NextChild(depth))
        {
            // Any element here is an observation, including a vendor's extension element.
            _observations.Add(ReadObservation(category, where));
        }
    }
}
