package dev.trainset.transforms.parse;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class DelimiterSnifferTest {
  @Test
  public void givenSemicolonFileWithCommasInDecimals_picksSemicolon() {
    assertEquals(';', DelimiterSniffer.sniff("\"a\";\"b\";\"c\"\r1,5;2,0;3\r4,1;5,5;6\r", '"'));
  }

  @Test
  public void givenCommaSpaceSeparated_picksComma() {
    assertEquals(',', DelimiterSniffer.sniff("age, workclass, fnlwgt\n39, State-gov, 77516\n50, Self-emp, 83311\n", '"'));
  }

  @Test
  public void givenTabsAndPipes_picksTheConsistentOne() {
    assertEquals('\t', DelimiterSniffer.sniff("a\tb|c\td\n1\t2\t3\n4\t5|x\t6\n", '"'));
    assertEquals('|', DelimiterSniffer.sniff("a|b|c\n1|2|3\n", '"'));
  }

  @Test
  public void givenDelimitersInsideQuotes_ignoresThem() {
    assertEquals(',', DelimiterSniffer.sniff("a,b\n\"x;y;z\",1\n\"p;q\",2\n", '"'));
  }

  @Test
  public void givenOneColumn_fallsBackToComma() {
    assertEquals(',', DelimiterSniffer.sniff("value\n1\n2\n", '"'));
  }
}
