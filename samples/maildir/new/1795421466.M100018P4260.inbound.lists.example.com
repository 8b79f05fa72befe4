Return-Path: <staff@hotmail.com>
Delivered-To: fbl@example.com
Received: from SA1PR04MB8810.namprd04.prod.outlook.com (mail-sa1nam04on2104.outbound.protection.outlook.com [2001:db8:4:f00d::104])
	by mx.example.com (Postfix) with ESMTPS id 4dL3q10fGkz6Hs7
	for <fbl@example.com>; Thu, 15 Oct 2026 20:03:11 +0000 (UTC)
Received: from MW4P220MB1937.NAMP220.PROD.OUTLOOK.COM ([2001:db8:4:f00d::88]) by
 SA1PR04MB8810.namprd04.prod.outlook.com ([2001:db8:4:f00d::31]) with mapi id
 15.20.9801.019; Thu, 15 Oct 2026 20:03:09 +0000
Date: Thu, 15 Oct 2026 20:03:08 +0000
From: staff@hotmail.com
To: fbl@example.com
Subject: complaint about message from 203.0.113.25
Message-ID: <MW4P220MB19370C4D2B8E1A6F5D37E9B0A1C44@MW4P220MB1937.NAMP220.PROD.OUTLOOK.COM>
MIME-Version: 1.0
Content-Type: multipart/report; report-type=feedback-report;
	boundary="_e8b27d40-9f31-4c6a-a05d-13c4e7f8b291_"

--_e8b27d40-9f31-4c6a-a05d-13c4e7f8b291_
Content-Type: text/plain; charset="us-ascii"
Content-Transfer-Encoding: 7bit

This is an email abuse report for a message sent to an Outlook.com user
who marked it as junk. The recipient's address and the message body have
been removed. Only the headers of the original message are included.

--_e8b27d40-9f31-4c6a-a05d-13c4e7f8b291_
Content-Type: message/feedback-report

Feedback-Type: abuse
User-Agent: JMRP/1.0
Version: 1

--_e8b27d40-9f31-4c6a-a05d-13c4e7f8b291_
Content-Type: text/rfc822-headers
Content-Disposition: inline

Authentication-Results: spf=pass (sender IP is 203.0.113.25)
 smtp.mailfrom=lists.example.com; dkim=pass (signature was verified)
 header.d=news.example.com;dmarc=pass action=none
 header.from=news.example.com;compauth=pass reason=100
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=news.example.com;
	s=lh2026; t=1792051210;
	h=from:to:subject:date:message-id:list-id:list-unsubscribe:
	 list-unsubscribe-post;
	bh=xJv45uLzdkHA87WCgqNJC+J2RNrYaJi767k6x49EIz0=;
	b=LiAoH/2o/bVu6crUoMxiSbLjuGpndpocyruKzlwgxhi87dMY35MVaU7SEWFACFhx
	 JW2WMpAkGNWmrRXr7myMEnLg03SonLkECHNCipbGkN5iuhUAFa9TDGT683Bv8Ee0
Return-Path: bounces@lists.example.com
From: Example Outfitters <news@news.example.com>
To: redacted@hotmail.com
Subject: October field notes: three overnight routes for autumn
Date: Thu, 15 Oct 2026 08:00:10 +0000
Message-ID: <sendbatch-2610b-000917@news.example.com>
MIME-Version: 1.0
List-Id: Example Outfitters News <news.lists.example.com>
List-Unsubscribe: <https://example.com/u/xLl6PTXdW3zluwwnr-xn>
List-Unsubscribe-Post: List-Unsubscribe=One-Click
Content-Type: multipart/alternative; boundary="=_alt_2610b_0917"
X-MS-Exchange-Organization-SCL: 1

--_e8b27d40-9f31-4c6a-a05d-13c4e7f8b291_--
