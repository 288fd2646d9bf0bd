/** The round-trip property over generated specs, part 3 (test/adopt/roundtrip-property.ts says what it checks). */
import { describeRoundTrip } from './roundtrip-property';

describeRoundTrip(3);
