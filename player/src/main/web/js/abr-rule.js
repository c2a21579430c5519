// The thin adapter between abr-core.js (our decision, pure) and dash.js: a quality-switch rule and an
// abandon rule registered through dash.js's public custom-rule API (MediaPlayer.addABRCustomRule), with
// dash.js's built-in rules switched off. Nothing of dash.js is patched or forked.
//
// dash.js asks the quality rule before each segment request ("which Representation next?") and the abandon
// rule on each progress event of a download in flight. Both answer for video only; audio has one rung.

/**
 * dash.js settings for abr=ours: every built-in rule off, so our rules alone decide; no fast switching (after a
 * switch up, dash.js would fetch again, at the new rung, segments already buffered: bandwidth spent twice on a
 * link that was just judged barely good enough); and a 30 s buffer target at every rung (dash.js: 12 s, 30 s at
 * the top one). The plan rides a full buffer above the link for a while and falls back on it when the link
 * drops; 30 s of it is what lets a phone on a train keep its picture through a tunnel.
 */
/** The buffer our ABR fills up to, seconds (dash.js's settings and our plan's model). */
export const BUFFER_SECONDS = 30;

export function ourAbrSettings() {
  const off = { active: false };
  return {
    streaming: {
      buffer: {
        fastSwitchEnabled: false,
        bufferTimeDefault: BUFFER_SECONDS,
        bufferTimeAtTopQuality: BUFFER_SECONDS,
        bufferTimeAtTopQualityLongForm: BUFFER_SECONDS,
      },
      abr: {
        rules: {
          throughputRule: off,
          bolaRule: off,
          insufficientBufferRule: off,
          switchHistoryRule: off,
          droppedFramesRule: off,
          abandonRequestsRule: off,
          l2ARule: off,
          loLPRule: off,
        },
      },
    },
  };
}

/**
 * Registers our two rules with a MediaPlayer created from `dashjs`.
 * @param brain {core(representations) -> AbrCore, bufferSeconds() -> number, targetSeconds() -> number,
 *               onDecision(decision, representation)}: the watch page's side (samples, buffer, logging)
 */
export function installOurAbr(player, dashjs, brain) {
  player.updateSettings(ourAbrSettings());
  const factory = dashjs.FactoryMaker;
  const SwitchRequest = factory.getClassFactoryByName('SwitchRequest');

  /** The video Representations dash.js may choose from now, lowest bitrate first (as dash.js sorts them). */
  function representations(rulesContext) {
    const mediaInfo = rulesContext.getMediaInfo();
    const list = rulesContext.getAbrController().getPossibleVoRepresentationsFilteredBySettings(mediaInfo, true) || [];
    return list.slice().sort((a, b) => a.bitrateInKbit - b.bitrateInKbit);
  }

  function segmentSeconds(rulesContext) {
    const rep = rulesContext.getRepresentation();
    return (rep && (rep.fragmentDuration || rep.segmentDuration)) || 2;
  }

  function StreamcdnAbrRule() {
    const context = this.context;

    function getSwitchRequest(rulesContext) {
      const request = SwitchRequest(context).create();
      if (!rulesContext || rulesContext.getMediaType() !== 'video') {
        return request;
      }
      const reps = representations(rulesContext);
      if (reps.length === 0) {
        return request;
      }
      const core = brain.core(reps);
      const decision = core.decide({
        bufferSeconds: brain.bufferSeconds(),
        segmentSeconds: segmentSeconds(rulesContext),
        targetSeconds: brain.targetSeconds(),
      });
      request.representation = reps[decision.index];
      request.priority = SwitchRequest.PRIORITY.STRONG;
      request.reason = { message: '[StreamcdnAbrRule] ' + decision.reason };
      request.rule = 'StreamcdnAbrRule';
      brain.onDecision(decision, request.representation);
      return request;
    }

    return { getSwitchRequest, reset() {} };
  }
  StreamcdnAbrRule.__dashjs_factory_name = 'StreamcdnAbrRule';

  function StreamcdnAbandonRule() {
    const context = this.context;

    function shouldAbandon(rulesContext) {
      const request = SwitchRequest(context).create();
      if (!rulesContext || rulesContext.getMediaType() !== 'video') {
        return request;
      }
      const current = rulesContext.getCurrentRequest();
      // streamcdnSentAt: set by the watch page's request interceptor when the request (or its retry) left.
      if (!current || current.type !== 'MediaSegment' || !current.firstByteDate || !current.representation
          || !current.streamcdnSentAt) {
        return request;
      }
      const reps = representations(rulesContext);
      const index = reps.findIndex(r => r.id === current.representation.id);
      if (index <= 0) {
        return request;
      }
      const core = brain.core(reps);
      const choice = core.abandon({
        bytesLoaded: current.bytesLoaded,
        bytesTotal: current.bytesTotal,
        elapsedMs: Date.now() - current.streamcdnSentAt,
        bufferSeconds: brain.bufferSeconds(),
        segmentSeconds: current.duration || segmentSeconds(rulesContext),
        index,
      });
      if (choice >= 0 && choice < index) {
        request.representation = reps[choice];
        request.priority = SwitchRequest.PRIORITY.STRONG;
        request.reason = { message: '[StreamcdnAbandonRule] ' + core.last.reason };
        request.rule = 'StreamcdnAbandonRule';
        brain.onDecision(core.last, request.representation);
      }
      return request;
    }

    return { shouldAbandon, reset() {} };
  }
  StreamcdnAbandonRule.__dashjs_factory_name = 'StreamcdnAbandonRule';

  player.addABRCustomRule('qualitySwitchRules', 'StreamcdnAbrRule', factory.getClassFactory(StreamcdnAbrRule));
  player.addABRCustomRule('abandonFragmentRules', 'StreamcdnAbandonRule', factory.getClassFactory(StreamcdnAbandonRule));
}
