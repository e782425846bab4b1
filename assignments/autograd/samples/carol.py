# Carol submits the release unchanged.
