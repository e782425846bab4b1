# Carol submits the release as she fetched it: every answer still raises NotImplementedError.
